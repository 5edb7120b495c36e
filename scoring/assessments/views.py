from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts import access
from accounts.forms import add_service_errors
from accounts.tabs import render_account_tab
from scoring.assessments import queries, services
from scoring.assessments.forms import ScoreForm
from scoring.criteria.queries import published_set
from scoring.models import Quadrant

TAB = "scores"


def score_overview(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    page = queries.scores_page(account)
    return render_account_tab(
        request, account, TAB, "scoring/assessments/page.html", {"page": page}
    )


def score_detail(request, pk, assessment_pk):
    account = access.get_visible_account_or_404(request.user, pk)
    assessment = queries.get_assessment_or_404(account, assessment_pk)
    page = queries.scores_page(account, assessment)
    return render_account_tab(
        request, account, TAB, "scoring/assessments/page.html", {"page": page}
    )


def _saved_message(account, assessment) -> str:
    if not assessment.quadrant:
        return _(
            "Scores saved. Score at least one criterion of each dimension to place %(account)s "
            "on the matrix."
        ) % {"account": account.name}
    return _("Scores saved. Quadrant of %(account)s: %(quadrant)s.") % {
        "account": account.name,
        "quadrant": Quadrant(assessment.quadrant).label,
    }


def score_create(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    criteria_set = published_set()
    form = None
    if criteria_set is not None:
        version, current = queries.scoring_base(account)
        form = ScoreForm(
            request.POST or None,
            criteria_set=criteria_set,
            current_values=current,
            row_version=version,
        )
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            assessment = services.account_assess(
                account=account,
                criteria_set=criteria_set,
                values_by_code=form.values(),
                actor=request.user,
                expected_version=form.expected_version,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _saved_message(account, assessment))
            return redirect("scoring:scores", pk=account.pk)
    context = {"form": form, "criteria_set": criteria_set}
    return render_account_tab(request, account, TAB, "scoring/assessments/form.html", context)
