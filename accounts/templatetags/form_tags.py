from django import forms, template

register = template.Library()


@register.filter
def bootstrap(bound_field):
    """Render a form field's widget with Bootstrap's classes and its error state."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    if bound_field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-describedby"] = f"{bound_field.auto_id}-errors"
        attrs["aria-invalid"] = "true"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(bound_field):
    return isinstance(bound_field.field.widget, forms.CheckboxInput)
