from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from accounts import access
from scoring.dashboard import account_columns, cache, charts, drill, export, queries
from scoring.dashboard.filters import DashboardFilter, DrillFilter

BODY = "scoring/dashboard/_body.html"


def _dashboard_filter(request) -> DashboardFilter:
    return DashboardFilter(
        request.GET or None, queryset=access.visible_accounts(request.user), request=request
    )


def _figures(request, portfolio: DashboardFilter) -> tuple[str, queries.Dashboard]:
    """The cache key and the figures of the user's portfolio under the filters, from the cache
    when nothing has changed since they were computed."""
    today = timezone.localdate()
    compare = portfolio.chosen_compare
    scope = cache.scope_of(request.user)
    key = cache.cache_key(scope, {**portfolio.chosen, "compare": compare}, today)
    figures = cache.get_or_compute(
        key, lambda: queries.dashboard(portfolio.qs, compare=compare, today=today)
    )
    return key, figures


@require_safe
def dashboard(request):
    portfolio = _dashboard_filter(request)
    key, data = _figures(request, portfolio)

    def render_body() -> str:
        context = {"data": data, **charts.dashboard_charts(data, portfolio)}
        return render_to_string(BODY, context, request=request)

    # Drawing 300 bubbles and eight charts takes longer than reading the figures from the cache:
    # the drawn tiles, charts and tables are kept too, once per language.
    body = cache.get_or_compute(f"{key}:body:{get_language()}", render_body)
    context = {
        "filter": portfolio,
        "data": data,
        "sees_all": access.sees_every_account(request.user),
        "body": mark_safe(body),
    }
    return TemplateResponse(request, "scoring/dashboard/dashboard.html", context)


@require_safe
def dashboard_export(request):
    portfolio = _dashboard_filter(request)
    _, data = _figures(request, portfolio)
    response = HttpResponse(export.workbook(data, portfolio), content_type=export.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name(data)}"'
    return response


@require_safe
def dashboard_accounts(request):
    """The accounts behind one figure of the dashboard (a bar, a bubble group, a tile)."""
    today = timezone.localdate()
    accounts = account_columns.with_columns(
        access.visible_accounts(request.user), today=today, compare_before=None
    )
    # Always bound, so that the default order applies to an empty query string too.
    drill_filter = DrillFilter(request.GET, queryset=accounts, request=request, today=today)
    sees_all = access.sees_every_account(request.user)
    context = {
        "filter": drill_filter,
        "title": drill.title(drill_filter, sees_all=sees_all),
        "chips": drill.chips(drill_filter, request),
        "dashboard_url": drill_filter.dashboard_url(),
        "sees_all": sees_all,
        "invalid": not drill_filter.is_valid(),
        "page": None,
        "rows": [],
    }
    if not context["invalid"]:
        # The order is found on the ids alone (one count, one page of ids); only the page's
        # rows are read whole.
        paginator = Paginator(drill_filter.qs.values_list("pk", flat=True), drill.PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        context["page"] = page
        context["rows"] = drill.page_rows(list(page.object_list), today=today)
    return TemplateResponse(request, "scoring/dashboard/accounts.html", context)
