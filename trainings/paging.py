"""Real paging for the long lists of a training (outbox, audit log): Django's Paginator,
50 rows a page, page links that keep the filters ("Page 2 of 5"). See docs/lists.md."""

import urllib.parse

from django.core.paginator import Paginator

PER_PAGE = 50


def _query(params, page=None):
    kept = {key: value for key, value in params.items() if value}
    if page:
        kept["page"] = page
    return urllib.parse.urlencode(kept)


def page_of(request, rows, params, *, per_page=PER_PAGE):
    """The requested page of `rows` (an ordered queryset; a page out of range gives the last
    one, a page that is not a number the first) and what templates/trainings/_pager.html
    shows. `params` are the filters in force, kept in every page link."""
    paginator = Paginator(rows, per_page)
    page = paginator.get_page(request.GET.get("page"))
    links = [{"number": number, "current": number == page.number,
              "query": "" if number == Paginator.ELLIPSIS else _query(params, number)}
             for number in paginator.get_elided_page_range(page.number, on_each_side=2,
                                                           on_ends=1)]
    return {
        "page": page, "count": paginator.count, "page_links": links,
        "first_shown": page.start_index(), "last_shown": page.end_index(),
        "prev_query": _query(params, page.previous_page_number()) if page.has_previous()
        else "",
        "next_query": _query(params, page.next_page_number()) if page.has_next() else "",
    }
