"""The account header's health panel: current churn risk and satisfaction, each with a sparkline
of the last 90 days (registered in scoring.apps with accounts.tabs.register_header_panel)."""

from scoring.health import charts, queries

TEMPLATE = "scoring/health/_header_panel.html"


def health_panel(account) -> dict:
    """Always a panel: an account not calculated yet says so, so the header keeps its shape."""
    trend = queries.health_trend(account)
    if trend is None:
        return {"template": TEMPLATE, "health": None}
    return {
        "template": TEMPLATE,
        "health": trend,
        "risk_spark": charts.sparkline(trend.risk_series),
        "satisfaction_spark": charts.sparkline(trend.satisfaction_series),
    }
