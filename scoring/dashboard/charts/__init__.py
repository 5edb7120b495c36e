"""Layout of the portfolio dashboard: plain numbers in, SVG coordinates and links out, no ORM.

Every figure links to the accounts behind it (drill.drill_url with the dashboard's filters), so the
charts work as plain <a href> elements without JavaScript. Coordinates and the few repeated texts
are formatted here once: at 300 matrix bubbles, template filters per element were most of a
page's time (see Bubble in scoring/portfolio/charts.py).
"""

from __future__ import annotations

from scoring.dashboard import drill
from scoring.dashboard.charts.portfolio import matrix, risk_bands, stage_bars, tier_pyramid
from scoring.dashboard.charts.tables import (
    exception_lines,
    exception_totals,
    manager_lines,
    risk_lines,
)
from scoring.dashboard.charts.tiles import kpi_tiles
from scoring.dashboard.charts.trends import monthly_bars, pipeline_bars, satisfaction_line
from scoring.geometry import coord
from scoring.portfolio import charts as portfolio_charts
from scoring.portfolio.queries import TOP_PERCENT


def dashboard_charts(data, portfolio) -> dict:
    """The template context for the dashboard's tiles, charts and table links."""
    chosen = portfolio.chosen
    sees_all = "owner" in portfolio.filters
    pareto = portfolio_charts.pareto_chart([data.pareto])
    top_share = data.pareto.top_share
    return {
        "sees_all": sees_all,
        "kpis": kpi_tiles(data, chosen),
        "matrix": matrix(data, chosen),
        "tiers": tier_pyramid(data.tiers, chosen),
        "stages": stage_bars(data.stages, chosen),
        "pareto": pareto,
        "pareto_url": drill.drill_url(chosen, top=TOP_PERCENT),
        "pareto_zone": (
            coord(pareto.left),
            coord(pareto.top),
            coord(pareto.marker_x - pareto.left),
            coord(pareto.bottom - pareto.top),
        ),
        "top_percent": TOP_PERCENT,
        "top_share": top_share,
        "bands": risk_bands(data.bands, chosen),
        "pipeline": pipeline_bars(data.pipeline, chosen),
        "months": monthly_bars(data.months, chosen),
        "satisfaction": satisfaction_line(data.satisfaction, chosen),
        "exception_totals": exception_totals(data.total, chosen),
        "exceptions_url": drill.drill_url(chosen, exception="any"),
        "exception_rows": exception_lines(data.exceptions),
        "top_risk": risk_lines(data.top_risk),
        "managers": manager_lines(data.managers, chosen, links=sees_all),
        "top_risk_url": drill.drill_url(chosen, sort="risk"),
    }
