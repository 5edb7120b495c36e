from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from accounts import access
from accounts.filters import PortfolioFilter
from accounts.models import Category
from scoring.portfolio import charts, queries


def _portfolio(request) -> PortfolioFilter:
    """The accounts the user can see, narrowed by the GET filters."""
    return PortfolioFilter(
        request.GET or None, queryset=access.visible_accounts(request.user), request=request
    )


@require_safe
def matrix(request):
    portfolio = _portfolio(request)
    data = queries.matrix_data(portfolio.qs)
    counts = {quadrant.key: quadrant.count for quadrant in data.quadrants}
    context = {
        "filter": portfolio,
        "data": data,
        "chart": charts.matrix_chart(data.bubbles, data.thresholds, counts),
        "categories": Category.choices,
    }
    return TemplateResponse(request, "scoring/portfolio/matrix.html", context)


@require_safe
def pareto(request):
    portfolio = _portfolio(request)
    totals = queries.pareto_totals(portfolio.qs)
    revenue, margin = (
        queries.pareto_curve(
            portfolio.qs, column, size=totals["size"], total=totals[f"{name}_total"]
        )
        for name, column in (("revenue", queries.REVENUE), ("margin", queries.MARGIN))
    )
    context = {
        "filter": portfolio,
        "revenue": revenue,
        "margin": margin,
        "curves": [{"key": "revenue", "data": revenue}, {"key": "margin", "data": margin}],
        "chart": charts.pareto_chart([revenue, margin]),
        "top_percent": queries.TOP_PERCENT,
    }
    return TemplateResponse(request, "scoring/portfolio/pareto.html", context)
