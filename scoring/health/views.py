from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from accounts import access, mail, outbox
from accounts.forms import add_service_errors
from accounts.tabs import render_account_tab
from scoring.health import charts, explain, queries, services
from scoring.health.forms import HealthFilter, RiskModelForm
from scoring.models.health import HealthRun
from scoring.surveys.queries import survey_summary

TAB = "health"
OVERVIEW_PAGE_SIZE = 50


def account_health(request, pk):
    # Scope first, method second: an outsider gets 404 whatever the method.
    account = access.get_visible_account_or_404(request.user, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    health = queries.account_health(account)
    context = {"health": health, "survey_summary": survey_summary(account)}
    if health is not None:
        policy = queries.risk_policy()
        trend = queries.health_trend(account)
        factors = explain.explain_all(health.factors)
        context |= {
            "factors": factors,
            "points_total": sum(f.points for f in factors),
            "run": queries.calculation_run(account, health),
            "policy": policy,
            "trend": trend,
            "trend_chart": trend
            and charts.risk_trend(
                trend.risk_series, medium_from=policy.medium_from, high_from=policy.high_from
            ),
        }
    return render_account_tab(request, account, TAB, "scoring/health/account.html", context)


@require_safe
def overview(request):
    accounts = queries.with_health(access.visible_accounts(request.user))
    health_filter = HealthFilter(request.GET, queryset=accounts, request=request)
    summary = queries.overview_summary(health_filter.qs)
    # The order is found on the ids alone; only the page's 50 rows are read whole. The summary
    # cards have counted the accounts already: the paginator need not count them again.
    paginator = Paginator(health_filter.qs.values_list("pk", flat=True), OVERVIEW_PAGE_SIZE)
    paginator.count = summary.total
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        (account, health, explain.top_reasons(health.factors) if health else [])
        for account in queries.overview_page(list(page.object_list))
        for health in [getattr(account, "health", None)]
    ]
    context = {
        "filter": health_filter,
        "page": page,
        "rows": rows,
        "summary": summary,
        "sees_all": access.sees_every_account(request.user),
        "big_move": queries.BIG_MOVE,
    }
    return TemplateResponse(request, "scoring/health/overview.html", context)


@require_safe
def risk_model(request):
    policy = queries.risk_policy()
    is_admin = access.is_admin(request.user)
    context = {
        "policy": policy,
        "factors": [
            {
                "factor": factor,
                "name": explain.FACTOR_NAMES.get(factor.code, factor.code),
                "measure": explain.FACTOR_MEASURES.get(factor.code, ""),
                "days_meaning": explain.FACTOR_DAYS.get(factor.code),
            }
            for factor in queries.risk_factors()
        ],
        "can_edit": is_admin,
        "not_applied": is_admin and queries.model_changed_since_last_run(policy),
    }
    context["weight_total"] = sum(row["factor"].weight for row in context["factors"])
    return TemplateResponse(request, "scoring/health/model.html", context)


def risk_model_edit(request):
    access.require_admin(request.user)
    policy = queries.risk_policy()
    factors = queries.risk_factors()
    form = RiskModelForm(
        request.POST or None,
        factors=factors,
        initial=RiskModelForm.initial_for(policy, factors),
        row_version=policy.row_version,  # read before the factors: never newer than they are
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_model_update(
                policy_data=form.policy_data(),
                factor_rows=form.factor_values(),
                actor=request.user,
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Churn-risk model saved. Scores follow it from the next recalculation: "
                    "tonight, or now with the button below."
                ),
            )
            return redirect("scoring:health_model")
    return TemplateResponse(
        request, "scoring/health/model_edit.html", {"form": form, "policy": policy}
    )


# Said when the work was saved in the outbox but could not be handed to the background queue.
QUEUED_FOR_BROKER = gettext_lazy(
    "Saved: the recalculation will run when the background queue is back. It cannot be "
    "reached just now; nothing has started yet."
)


def runs(request):
    access.require_admin(request.user)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    queued = queries.work_waiting_for_broker()
    recent = queries.recent_runs(queued=queued)
    template = "scoring/health/runs.html"
    if request.GET.get("partial") == "runs":
        template += "#runs"
    context = {
        "runs": recent,
        "running": queries.runs_in_progress(recent),
        "waiting_for_broker": [
            asked for task, _, asked in queued if task == "scoring.tasks.recalculate_health"
        ],
    }
    if "#" not in template:
        context["mail_trouble"] = mail.troubled_counts()
    return TemplateResponse(request, template, context)


def recalculate_now(request):
    access.require_admin(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    message = services.health_recalculation_request(requested_by=request.user)
    if message is not None and outbox.is_pending(message):
        messages.warning(request, QUEUED_FOR_BROKER)
        return redirect("scoring:health_runs")
    messages.success(
        request,
        _(
            "Recalculation started for every account. It appears below; this page follows it "
            "until it finishes."
        ),
    )
    return redirect("scoring:health_runs")


def run_retry(request, pk):
    access.require_admin(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    run = get_object_or_404(HealthRun, pk=pk)
    try:
        services.health_run_retry(run=run, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if queries.retry_waits_for_broker(run):
            messages.warning(request, QUEUED_FOR_BROKER)
            return redirect("scoring:health_runs")
        messages.success(
            request,
            _(
                "Retry asked for: a new run carries on where this one stopped. This page follows "
                "it until it finishes."
            ),
        )
    return redirect("scoring:health_runs")


def run_dismiss(request, pk):
    access.require_admin(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    run = get_object_or_404(HealthRun, pk=pk)
    try:
        services.health_run_dismiss(run=run, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _(
                "Dismissed: the run stays in the list as interrupted. The next nightly run "
                "recalculates every account."
            ),
        )
    return redirect("scoring:health_runs")
