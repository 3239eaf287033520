from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from .. import selectors
from ..forms import CountryProfileForm, SurveyForm
from ..models import CountryProfile
from ..services import survey as services
from .access import get_training


def survey(request, pk):
    training = get_training(request, pk, "trainings.view_survey")
    instance = selectors.survey_of(training)
    can_edit = request.user.has_perm("trainings.edit_survey", training)
    form = SurveyForm(request.POST or None, instance=instance) if can_edit else None
    if request.method == "POST":
        training = get_training(request, pk, "trainings.edit_survey")
        if form.is_valid():
            services.save_survey(actor=request.user, survey=instance, form=form)
            messages.success(request, "Scoping survey saved.")
            return redirect("trainings:survey", pk)
    return render(request, "trainings/survey.html",
                  {"training": training, "survey": instance, "form": form, "can_edit": can_edit})


def country_profile(request, pk):
    training = get_training(request, pk, "trainings.view_country_profile")
    profile = selectors.country_profile(training.country)
    can_edit = request.user.has_perm("trainings.edit_country_profile", training.country)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("Only facilitators in the country, its RCO admins and staff "
                               "edit the country profile.")
    form = CountryProfileForm(request.POST or None, instance=profile) if can_edit else None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            services.save_country_profile(actor=request.user, training=training, form=form)
        messages.success(request, f"Country profile of {training.country.name} saved.")
        return redirect("trainings:country_profile", pk)
    sections = [(CountryProfile._meta.get_field(name).verbose_name.capitalize(),
                 mark_safe(getattr(profile, name)))  # noqa: S308 - sanitised with nh3 on save
                for name in ["migration_dynamics", "trends", "priorities", "un_engagement"]]
    return render(request, "trainings/country_profile.html", {
        "training": training, "profile": profile, "sections": sections, "form": form,
        "can_edit": can_edit,
    })
