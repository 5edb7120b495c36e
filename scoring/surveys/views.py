from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts import access
from accounts.conflicts import ButtonForm, EditConflict
from accounts.forms import add_service_errors
from accounts.tabs import render_account_tab
from scoring.models import SurveyIndicator
from scoring.surveys import queries, services, tokens
from scoring.surveys.forms import (
    IndicatorForm,
    RecordSurveyForm,
    SendSurveyForm,
    SurveyAnswersForm,
)

TAB = "health"


def survey_create(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    form = RecordSurveyForm(
        request.POST or None,
        indicators=queries.active_indicators(),
        stakeholders=queries.active_stakeholders(account),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_record(
                account=account,
                respondent=data["respondent"],
                answered_on=data["answered_on"],
                answers=form.answers(),
                comments=data["comments"],
                recorded_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Survey saved: satisfaction index %(index)s.")
                % {"index": f"{survey.satisfaction_index:.1f}"},
            )
            return redirect(survey)
    return render_account_tab(request, account, TAB, "scoring/surveys/record.html", {"form": form})


def survey_send(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    form = SendSurveyForm(request.POST or None, stakeholders=queries.active_stakeholders(account))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey, _url = services.survey_send(
                account=account,
                respondent=data["respondent"],
                language=data["language"],
                days=data["expires_in"],
                sent_by=request.user,
                build_absolute_uri=request.build_absolute_uri,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if survey.respondent.email:
                messages.success(
                    request,
                    _("Survey link created and e-mailed to %(email)s. Copy it to send by WeChat.")
                    % {"email": survey.respondent.email},
                )
            else:
                messages.success(request, _("Survey link created. Copy it and send it by WeChat."))
            return redirect(survey)
    return render_account_tab(request, account, TAB, "scoring/surveys/send.html", {"form": form})


def survey_detail(request, pk, survey_pk):
    # Scope first, method second: an outsider gets 404 whatever the method.
    account = access.get_visible_account_or_404(request.user, pk)
    survey = queries.get_survey_or_404(account, survey_pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    context = {"survey": survey, "by_group": request.GET.get("order") == "group"}
    if survey.is_completed:
        context["result"] = queries.survey_result(survey)
    elif survey.link_is_open:
        context["link"] = services.link_url(survey, request.build_absolute_uri)
    return render_account_tab(request, account, TAB, "scoring/surveys/detail.html", context)


def survey_withdraw(request, pk, survey_pk):
    # Scoped before the method check: an outsider learns nothing, whatever the method.
    account = access.get_editable_account_or_404(request.user, pk)
    survey = queries.get_survey_or_404(account, survey_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    button = ButtonForm(request.POST)
    if not button.is_valid():
        messages.error(request, button.refusal())
        return redirect(survey)
    try:
        services.survey_withdraw(
            survey=survey, actor=request.user, expected_version=button.expected_version
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if isinstance(error, EditConflict) and error.current is None:
            return redirect("scoring:health", pk=account.pk)
    else:
        messages.success(request, _("Link withdrawn: it no longer opens the survey."))
    return redirect(survey)


def survey_delete(request, pk, survey_pk):
    account = access.get_editable_account_or_404(request.user, pk)
    survey = queries.get_survey_or_404(account, survey_pk)
    if request.method == "POST":
        button = ButtonForm(request.POST)
        if not button.is_valid():
            messages.error(request, button.refusal())
            return redirect(survey)
        try:
            services.survey_delete(
                survey=survey, actor=request.user, expected_version=button.expected_version
            )
        except ValidationError as error:
            # Back to the survey, to see what changed (the Health tab, if it is gone).
            messages.error(request, " ".join(error.messages))
            if isinstance(error, EditConflict) and error.current is None:
                return redirect("scoring:health", pk=account.pk)
            return redirect(survey)
        messages.success(request, _("Survey deleted."))
        return redirect("scoring:health", pk=account.pk)
    return render_account_tab(
        request, account, TAB, "scoring/surveys/delete.html", {"survey": survey}
    )


# --- Indicators -----------------------------------------------------------------------------


def indicator_list(request):
    context = {
        "groups": queries.indicators_for_editor(),
        "can_edit": access.is_admin(request.user),
    }
    return render(request, "scoring/surveys/indicators.html", context)


def _indicator_form_page(request, indicator):
    answered = bool(indicator.pk) and indicator.answers.exists()
    form = IndicatorForm(request.POST or None, instance=indicator, answered=answered)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_save(
                indicator=form.instance,
                actor=request.user,
                expected_version=form.expected_version if indicator.pk else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Indicator “%(name)s” saved.") % {"name": indicator.label})
            return redirect("scoring:survey_indicators")
    return render(
        request,
        "scoring/surveys/indicator_form.html",
        {"form": form, "indicator": indicator, "answered": answered},
    )


def indicator_create(request):
    access.require_admin(request.user)
    return _indicator_form_page(request, SurveyIndicator())


def indicator_edit(request, indicator_pk):
    access.require_admin(request.user)
    return _indicator_form_page(request, get_object_or_404(SurveyIndicator, pk=indicator_pk))


def indicator_delete(request, indicator_pk):
    access.require_admin(request.user)
    indicator = get_object_or_404(SurveyIndicator, pk=indicator_pk)
    answered = indicator.answers.exists()
    if request.method == "POST":
        button = ButtonForm(request.POST)
        if not button.is_valid():
            messages.error(request, button.refusal())
            return redirect("scoring:survey_indicators")
        try:
            services.indicator_delete(
                indicator=indicator, actor=request.user, expected_version=button.expected_version
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            if isinstance(error, EditConflict):  # back to the list, to see what changed
                return redirect("scoring:survey_indicators")
            return redirect("scoring:survey_indicator_edit", indicator_pk=indicator.pk)
        messages.success(request, _("Indicator “%(name)s” deleted.") % {"name": indicator.label})
        return redirect("scoring:survey_indicators")
    return render(
        request,
        "scoring/surveys/indicator_delete.html",
        {"indicator": indicator, "answered": answered},
    )


# --- The respondent's private page -----------------------------------------------------------


def _public(response):
    # The token is in the URL: never hand it to another site through the Referer header. Our own
    # site still gets it, so the form's CSRF check sees a same-origin post.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _closed(request):
    return _public(render(request, "scoring/surveys/public_closed.html", status=404))


def _answered(request, survey=None):
    language = survey.language if survey else translation.get_language()
    with translation.override(language):
        response = render(
            request, "scoring/surveys/public_answered.html", {"survey": survey}, status=410
        )
    return _public(response)


@login_not_required
@never_cache
def survey_answer(request, token):
    """The stakeholder's survey, by a signed link and without signing in."""
    found = tokens.read_token(token)
    if found is None:
        return _closed(request)
    pk, nonce = found
    try:
        survey = services.survey_open_for_link(pk, nonce)
    except services.SurveyClosed:
        return _closed(request)
    except services.AlreadyAnswered as answered:
        return _answered(request, answered.survey)
    language = request.GET.get("lang")
    if language not in ("en", "zh-hans"):
        language = survey.language
    with translation.override(language):
        form = SurveyAnswersForm(request.POST or None, indicators=queries.active_indicators())
        if request.method == "POST" and form.is_valid():
            try:
                survey = services.survey_answer(
                    pk=pk,
                    nonce=nonce,
                    answers=form.answers(),
                    comments=form.cleaned_data["comments"],
                )
            except services.AlreadyAnswered as answered:
                return _answered(request, answered.survey)
            except services.SurveyClosed:
                return _closed(request)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                response = TemplateResponse(
                    request, "scoring/surveys/public_thanks.html", {"survey": survey}
                )
                return _public(response.render())
        other = "en" if language.startswith("zh") else "zh-hans"
        response = TemplateResponse(
            request,
            "scoring/surveys/public_answer.html",
            {
                "survey": survey,
                "form": form,
                "language": language,
                "other_language": other,
                "other_language_name": "English" if other == "en" else "中文",
            },
        )
        # Rendered here, inside the override: a lazy response would render in the site language.
        return _public(response.render())
