"""The scoring app's edit routes, for tests/kam/test_edit_conflicts.py (tests/conflict_checks.py
says how a case runs). Each CASES entry builds two people's edits of one record; NOT_EDITS
says why each other route of the app needs no case.

The admins' editors (criteria, segments, tiers, the risk model, the survey indicators) are
changed by a second KAM admin; an account's records by its teammate."""

from django.urls import reverse

from accounts.access import KAM_ADMIN
from accounts.models import Account
from scoring.assessments.queries import scoring_base
from scoring.assessments.services import account_assess
from scoring.criteria import services as criteria_services
from scoring.health import risk_model, services
from scoring.health.queries import risk_factors, risk_policy
from scoring.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    RiskFactor,
    RiskPolicy,
    Segment,
    SegmentScore,
    SetKind,
    Survey,
    SurveyIndicator,
    TierPolicy,
    TierRule,
    ValueScorecard,
)
from scoring.scorecard.services import scorecard_save
from scoring.segments import services as segment_services
from scoring.surveys import services as survey_services
from scoring.tiers import queries as tier_queries
from scoring.tiers.services import RuleValues, tier_rules_save
from tests.conflict_checks import ConflictCase, Personas
from tests.factories import (
    SegmentFactory,
    StakeholderFactory,
    SurveyIndicatorFactory,
    UserFactory,
    shipped_criteria_set,
    shipped_risk_model,
    shipped_tier_rules,
)


def _second_admin():
    return UserFactory(username="second_admin", first_name="Jing", last_name="Chen", role=KAM_ADMIN)


def _row(model, pk):
    return lambda: model._base_manager.filter(pk=pk).values().first()


# --- Criteria ---------------------------------------------------------------------------------


def _draft(p: Personas) -> CriteriaSet:
    shipped_criteria_set()
    return criteria_services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=p.admin)[0]


def _set_note_saver(draft, who):
    def save():
        fresh = CriteriaSet.objects.get(pk=draft.pk)
        criteria_services.criteria_set_update(
            criteria_set=fresh,
            actor=who,
            expected_version=fresh.row_version,
            fields={"change_note": "Weights follow the 2025 strategy review."},
        )

    return save


def _weight_saver(criterion, who, weight=9):
    def save():
        fresh = Criterion.objects.get(pk=criterion.pk)
        criteria_services.criterion_save(
            criteria_set=fresh.criteria_set,
            criterion=fresh,
            actor=who,
            fields={"weight": weight},
            expected_version=fresh.row_version,
        )

    return save


def criteria_edit(p: Personas) -> ConflictCase:
    draft = _draft(p)
    other = _second_admin()
    return ConflictCase(
        url=reverse("scoring:criteria_edit", args=[draft.pk]),
        editor=p.admin,
        edit={"name": "Selection criteria 2025"},
        change=_set_note_saver(draft, other),
        changed_by=other,
        stored=_row(CriteriaSet, draft.pk),
    )


def criteria_criterion_edit(p: Personas) -> ConflictCase:
    # The lost update: B sets a weight to 9, A's older form would have put back 2.
    draft = _draft(p)
    criterion = draft.criteria.order_by("position", "pk").first()
    other = _second_admin()
    return ConflictCase(
        url=reverse("scoring:criteria_criterion_edit", args=[draft.pk, criterion.pk]),
        editor=p.admin,
        edit={"name": "Annual purchases from the whole market"},
        change=_weight_saver(criterion, other),
        changed_by=other,
        stored=_row(Criterion, criterion.pk),
    )


def criteria_criterion_delete(p: Personas) -> ConflictCase:
    draft = _draft(p)
    criterion = draft.criteria.order_by("position", "pk").first()
    other = _second_admin()
    return ConflictCase(
        url=reverse("scoring:criteria_detail", args=[draft.pk]),
        action_suffix=reverse("scoring:criteria_criterion_delete", args=[draft.pk, criterion.pk]),
        in_place=True,
        editor=p.admin,
        change=_weight_saver(criterion, other),
        changed_by=other,
        stored=_row(Criterion, criterion.pk),
    )


def criteria_draft_delete(p: Personas) -> ConflictCase:
    draft = _draft(p)
    other = _second_admin()
    return ConflictCase(
        url=reverse("scoring:criteria_draft_delete", args=[draft.pk]),
        in_place=True,
        editor=p.admin,
        change=_set_note_saver(draft, other),
        changed_by=other,
        stored=_row(CriteriaSet, draft.pk),
    )


def criteria_publish(p: Personas) -> ConflictCase:
    # Publish from the confirmation page; meanwhile another admin changes a weight of the draft.
    draft = _draft(p)
    criterion = draft.criteria.order_by("position", "pk").first()
    other = _second_admin()
    return ConflictCase(
        url=reverse("scoring:criteria_publish", args=[draft.pk]),
        action_suffix=reverse("scoring:criteria_publish", args=[draft.pk]),
        edit={"change_note": "Digital maturity weighs more."},
        in_place=True,
        editor=p.admin,
        change=_weight_saver(criterion, other),
        changed_by=other,
        stored=lambda: list(CriteriaSet.objects.order_by("pk").values()),
    )


# --- An account's scores and scorecard --------------------------------------------------------


def score_create(p: Personas) -> ConflictCase:
    account = p.account
    criteria_set = shipped_criteria_set()
    codes = list(criteria_set.criteria.order_by("position", "pk").values_list("code", flat=True))

    def scored(value, who):
        return lambda: account_assess(
            account=account,
            criteria_set=criteria_set,
            values_by_code=dict.fromkeys(codes, value),
            actor=who,
            expected_version=scoring_base(account)[0],
        )

    scored(5, p.owner)()  # the form is prefilled from these
    return ConflictCase(
        url=reverse("scoring:score_create", args=[account.pk]),
        editor=p.owner,
        edit={codes[0]: "9"},
        change=scored(7, p.teammate),
        changed_by=p.teammate,
        stored=lambda: list(Assessment.objects.filter(account=account).order_by("pk").values()),
    )


def scorecard_edit(p: Personas) -> ConflictCase:
    # Neither had a scorecard when they opened the form (version 0); the teammate saves first.
    account = p.account

    def teammate_creates_it():
        scorecard_save(
            account=account,
            actor=p.teammate,
            expected_version=0,
            fields={"current_purchases": 2, "purchase_capacity": 4},
        )

    return ConflictCase(
        url=reverse("scoring:scorecard_edit", args=[account.pk]),
        editor=p.owner,
        edit={"current_purchases": "1", "revenue_target": "8000000"},
        change=teammate_creates_it,
        changed_by=p.teammate,
        stored=lambda: ValueScorecard.objects.filter(account=account).values().first(),
    )


# --- Segments ---------------------------------------------------------------------------------


def _segment():
    return SegmentFactory(name="Government", description="Ministries and agencies.")


def _segment_describer(segment, who):
    def save():
        fresh = Segment.objects.get(pk=segment.pk)
        segment_services.segment_save(
            actor=who,
            segment=fresh,
            fields={"description": "Central and provincial government."},
            expected_version=fresh.row_version,
        )

    return save


def segment_edit(p: Personas) -> ConflictCase:
    segment = _segment()
    other = _second_admin()
    return ConflictCase(
        url=reverse("scoring:segment_edit", args=[segment.pk]),
        editor=p.admin,
        edit={"name_zh_hans": "政府"},
        change=_segment_describer(segment, other),
        changed_by=other,
        stored=_row(Segment, segment.pk),
    )


def segment_score(p: Personas) -> ConflictCase:
    segment = _segment()
    criteria_set = shipped_criteria_set(SetKind.SEGMENT)
    codes = list(criteria_set.criteria.order_by("position", "pk").values_list("code", flat=True))
    other = _second_admin()

    def other_scores_it():
        fresh = Segment.objects.get(pk=segment.pk)
        segment_services.segment_score(
            actor=other,
            segment=fresh,
            criteria_set=criteria_set,
            values_by_code=dict.fromkeys(codes, 3),
            expected_version=fresh.row_version,
        )

    def stored():
        scores = SegmentScore.objects.filter(segment=segment).order_by("criterion_id")
        return Segment.objects.get(pk=segment.pk).row_version, list(scores.values())

    return ConflictCase(
        url=reverse("scoring:segment_score", args=[segment.pk]),
        editor=p.admin,
        edit={codes[0]: "4"},
        change=other_scores_it,
        changed_by=other,
        stored=stored,
    )


def segment_delete(p: Personas) -> ConflictCase:
    segment = _segment()
    other = _second_admin()
    return ConflictCase(
        url=reverse("scoring:segment_delete", args=[segment.pk]),
        in_place=True,
        editor=p.admin,
        change=_segment_describer(segment, other),
        changed_by=other,
        stored=_row(Segment, segment.pk),
    )


# --- Tier rules and the risk model ------------------------------------------------------------


def _tier_rules_saver(who, basis):
    def save():
        tiers = tier_queries.tiers_with_rules()
        policy = tier_queries.tier_policy()
        tier_rules_save(
            actor=who,
            basis=basis,
            method=policy.method,
            rules={
                tier.pk: RuleValues(tier.tier_rule.min_value, tier.tier_rule.top_percent)
                for tier in tiers[:-1]
            },
            expected_version=tier_queries.policy_version(policy),
        )

    return save


def _tier_policy_and_rules():
    return (
        TierPolicy.objects.filter(pk=1).values().first(),
        list(TierRule.objects.order_by("pk").values()),
    )


def tier_rules_edit(p: Personas) -> ConflictCase:
    shipped_tier_rules()
    other = _second_admin()
    return ConflictCase(
        url=reverse("scoring:tier_rules_edit"),
        editor=p.admin,
        edit={"method": "percentile"},
        change=_tier_rules_saver(other, "margin"),
        changed_by=other,
        stored=_tier_policy_and_rules,
    )


def tier_apply(p: Personas) -> ConflictCase:
    shipped_tier_rules()
    other = _second_admin()
    return ConflictCase(
        url=reverse("scoring:tier_preview"),
        action_suffix=reverse("scoring:tier_apply"),
        in_place=True,
        editor=p.admin,
        change=_tier_rules_saver(other, "margin"),
        changed_by=other,
        stored=lambda: (
            _tier_policy_and_rules(),
            list(Account.objects.order_by("pk").values_list("pk", "tier_id")),
        ),
    )


def health_model_edit(p: Personas) -> ConflictCase:
    shipped_risk_model()
    other = _second_admin()

    def other_changes_a_weight():
        policy = risk_policy()
        factors = risk_factors()
        rows = {
            f.code: risk_model.FactorValues(
                weight=f.weight if i else f.weight + 5, start=f.start, full=f.full, days=f.days
            )
            for i, f in enumerate(factors)
        }
        services.risk_model_update(
            policy_data={
                "medium_from": policy.medium_from,
                "high_from": policy.high_from,
                "satisfaction_window_days": policy.satisfaction_window_days,
            },
            factor_rows=rows,
            actor=other,
            expected_version=policy.row_version,
        )

    return ConflictCase(
        url=reverse("scoring:health_model_edit"),
        editor=p.admin,
        edit={"satisfaction_window_days": "200"},
        change=other_changes_a_weight,
        changed_by=other,
        stored=lambda: (
            RiskPolicy.objects.filter(pk=1).values().first(),
            list(RiskFactor.objects.order_by("pk").values()),
        ),
    )


# --- Surveys ----------------------------------------------------------------------------------


def _indicator():
    return SurveyIndicatorFactory(
        code="delivery_speed", name="Delivery speed", question="How fast do we deliver?"
    )


def _indicator_renamer(indicator, who):
    def save():
        fresh = SurveyIndicator.objects.get(pk=indicator.pk)
        fresh.name = "Speed of delivery"
        survey_services.indicator_save(
            indicator=fresh, actor=who, expected_version=fresh.row_version
        )

    return save


def survey_indicator_edit(p: Personas) -> ConflictCase:
    indicator = _indicator()
    other = _second_admin()
    return ConflictCase(
        url=reverse("scoring:survey_indicator_edit", args=[indicator.pk]),
        editor=p.admin,
        edit={"name_zh_hans": "交付速度"},
        change=_indicator_renamer(indicator, other),
        changed_by=other,
        stored=_row(SurveyIndicator, indicator.pk),
    )


def survey_indicator_delete(p: Personas) -> ConflictCase:
    indicator = _indicator()
    other = _second_admin()
    return ConflictCase(
        url=reverse("scoring:survey_indicator_delete", args=[indicator.pk]),
        in_place=True,
        editor=p.admin,
        change=_indicator_renamer(indicator, other),
        changed_by=other,
        stored=_row(SurveyIndicator, indicator.pk),
    )


def _sent_survey(p: Personas) -> Survey:
    respondent = StakeholderFactory(account=p.account, email="")
    survey, _link = survey_services.survey_send(
        account=p.account, respondent=respondent, language="en", days=7, sent_by=p.owner
    )
    return survey


def _withdrawer(survey, who):
    def withdraw():
        fresh = Survey.objects.get(pk=survey.pk)
        survey_services.survey_withdraw(survey=fresh, actor=who, expected_version=fresh.row_version)

    return withdraw


def survey_withdraw(p: Personas) -> ConflictCase:
    survey = _sent_survey(p)
    return ConflictCase(
        url=reverse("scoring:survey_detail", args=[p.account.pk, survey.pk]),
        action_suffix=reverse("scoring:survey_withdraw", args=[p.account.pk, survey.pk]),
        in_place=True,
        editor=p.owner,
        change=_withdrawer(survey, p.teammate),
        changed_by=p.teammate,
        stored=_row(Survey, survey.pk),
    )


def survey_delete(p: Personas) -> ConflictCase:
    # The owner opens "delete" on a link still waiting; the teammate withdraws it meanwhile.
    survey = _sent_survey(p)
    return ConflictCase(
        url=reverse("scoring:survey_delete", args=[p.account.pk, survey.pk]),
        in_place=True,
        editor=p.owner,
        change=_withdrawer(survey, p.teammate),
        changed_by=p.teammate,
        stored=_row(Survey, survey.pk),
    )


CASES = {
    "scoring:criteria_edit": criteria_edit,
    "scoring:criteria_criterion_edit": criteria_criterion_edit,
    "scoring:criteria_criterion_delete": criteria_criterion_delete,
    "scoring:criteria_draft_delete": criteria_draft_delete,
    "scoring:criteria_publish": criteria_publish,
    "scoring:score_create": score_create,
    "scoring:scorecard_edit": scorecard_edit,
    "scoring:segment_edit": segment_edit,
    "scoring:segment_score": segment_score,
    "scoring:segment_delete": segment_delete,
    "scoring:tier_rules_edit": tier_rules_edit,
    "scoring:tier_apply": tier_apply,
    "scoring:health_model_edit": health_model_edit,
    "scoring:survey_indicator_edit": survey_indicator_edit,
    "scoring:survey_indicator_delete": survey_indicator_delete,
    "scoring:survey_withdraw": survey_withdraw,
    "scoring:survey_delete": survey_delete,
}

NOT_EDITS = {
    "scoring:scores": "the Scores tab: a page without a form",
    "scoring:score_detail": "one past assessment: a page without a form",
    "scoring:scorecard": "the Value tab: a page without a form",
    "scoring:matrix": "a chart",
    "scoring:pareto": "a chart",
    "scoring:dashboard": "a page of figures",
    "scoring:dashboard_export": "a download",
    "scoring:dashboard_accounts": "a list",
    "scoring:segment_list": "a list",
    "scoring:segment_create": "adds a segment: nothing stored to overwrite",
    "scoring:criteria_list": "a list; its button posts to scoring:criteria_draft_create",
    "scoring:criteria_draft_create": (
        "starts a draft copied from the published set, or opens the one there is (one draft per "
        "kind): nothing stored is overwritten"
    ),
    "scoring:criteria_detail": (
        "a page; its Publish button opens the confirmation (scoring:criteria_publish) and its "
        "buttons post to scoring:criteria_criterion_delete"
    ),
    "scoring:criteria_preview": "a page; its Publish button opens scoring:criteria_publish",
    "scoring:criteria_criterion_create": (
        "adds a criterion to a draft: nothing stored to overwrite (it moves the draft's version "
        "on, so a Publish from an older page is refused)"
    ),
    "scoring:tier_rules": "a page without a form",
    "scoring:tier_preview": "a page; its button posts to scoring:tier_apply",
    "scoring:health": "the Health tab: a page without a form",
    "scoring:health_overview": "a list",
    "scoring:health_model": "a page without a form",
    "scoring:health_runs": "a list",
    "scoring:health_recalculate": (
        "starts a recalculation run: it edits no record someone typed (runs never overlap)"
    ),
    "scoring:health_run_retry": (
        "acts on an interrupted recalculation run (a job's record, not one anyone types into): "
        "the service locks it and refuses it once retried, dismissed or no longer interrupted"
    ),
    "scoring:health_run_dismiss": (
        "acts on an interrupted recalculation run (a job's record, not one anyone types into): "
        "the service locks it and refuses it once retried, dismissed or no longer interrupted"
    ),
    "scoring:survey_create": "records a new survey: nothing stored to overwrite",
    "scoring:survey_send": "creates a new survey link: nothing stored to overwrite",
    "scoring:survey_detail": "a page; its button posts to scoring:survey_withdraw",
    "scoring:survey_indicators": "a list",
    "scoring:survey_indicator_create": "adds an indicator: nothing stored to overwrite",
    "scoring:survey_answer": (
        "the respondent's private link, answered once: the link carries its own version (a "
        "withdrawn link gets a new nonce and stops opening), and the answer is written under a "
        "row lock that makes a second submission find the survey answered; nobody else edits "
        "the answers"
    ),
}
