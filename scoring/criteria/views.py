"""The criteria editor: everyone signed in reads the criteria (they are meant to be written down
and visible); only KAM admins change them (403 for others), and only while a version is a
draft."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts import access
from accounts.conflicts import ButtonForm, EditConflict
from accounts.forms import add_service_errors
from scoring.criteria import queries, services
from scoring.criteria.forms import CriteriaSetForm, CriterionForm, PublishForm
from scoring.models import CriteriaSet, SetKind

ADMINS_ONLY = gettext_lazy("Only KAM admins change the selection criteria.")


def _to_set(criteria_set, anchor=""):
    response = redirect("scoring:criteria_detail", set_pk=criteria_set.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _editable_or_refused(request, set_pk):
    """The draft to change, or a redirect back to a set that is no longer a draft."""
    access.require_admin(request.user, ADMINS_ONLY)
    criteria_set = queries.get_set_or_404(set_pk)
    if criteria_set.is_draft:
        return criteria_set, None
    messages.error(
        request,
        _("Version %(version)s is %(status)s and cannot change. Start a draft to change it.")
        % {"version": criteria_set.version, "status": criteria_set.get_status_display().lower()},
    )
    return criteria_set, _to_set(criteria_set)


def _published_for(criteria_set):
    published = queries.published_set(criteria_set.kind)
    return None if published is None or published.pk == criteria_set.pk else published


def criteria_list(request):
    return render(
        request,
        "scoring/criteria/list.html",
        {"kinds": queries.sets_by_kind(), "is_admin": access.is_admin(request.user)},
    )


def criteria_detail(request, set_pk):
    criteria_set = queries.get_set_or_404(set_pk)
    published = _published_for(criteria_set) if criteria_set.is_draft else None
    return render(
        request,
        "scoring/criteria/detail.html",
        {
            "criteria_set": criteria_set,
            "groups": queries.dimension_groups(criteria_set),
            "published": published,
            "changes": queries.set_changes(criteria_set, published) if published else None,
            "can_edit": criteria_set.is_draft and access.is_admin(request.user),
            "is_admin": access.is_admin(request.user),
        },
    )


def criteria_draft_create(request, kind):
    access.require_admin(request.user, ADMINS_ONLY)
    if kind not in SetKind.values:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    draft, created = services.criteria_draft_start(kind=kind, actor=request.user)
    if created:
        messages.success(
            request,
            _("Draft version %(version)s started from the published criteria.")
            % {"version": draft.version},
        )
    else:
        messages.info(request, _("There is already a draft: here it is."))
    return _to_set(draft)


def criteria_edit(request, set_pk):
    criteria_set, refused = _editable_or_refused(request, set_pk)
    if refused:
        return refused
    form = CriteriaSetForm(request.POST or None, instance=criteria_set)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name] for name in services.SET_FIELDS if name in form.fields
        }
        try:
            services.criteria_set_update(
                criteria_set=criteria_set,
                actor=request.user,
                expected_version=form.expected_version,
                fields=fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return _to_set(criteria_set)
    heading = _("Edit draft v%(version)s") % {"version": criteria_set.version}
    return render(
        request,
        "scoring/criteria/set_form.html",
        {"form": form, "criteria_set": criteria_set, "heading": heading},
    )


def criteria_draft_delete(request, set_pk):
    criteria_set, refused = _editable_or_refused(request, set_pk)
    if refused:
        return refused
    if request.method == "POST":
        button = ButtonForm(request.POST)
        if not button.is_valid():
            messages.error(request, button.refusal())
            return _to_set(criteria_set)
        try:
            services.criteria_draft_discard(
                criteria_set=criteria_set,
                actor=request.user,
                expected_version=button.expected_version,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _back_to_set(criteria_set, error)
        messages.success(request, _("Draft discarded."))
        return redirect("scoring:criteria_list")
    return render(request, "scoring/criteria/discard.html", {"criteria_set": criteria_set})


def _back_to_set(criteria_set, error):
    """After a refused button: the set's page, to see what changed (the list, if it is gone)."""
    gone = isinstance(error, EditConflict) and error.current is None
    if gone and error.model is CriteriaSet:
        return redirect("scoring:criteria_list")
    return _to_set(criteria_set)


def _criterion_form(request, criteria_set, criterion):
    if criterion is None:
        heading = _("New criterion")
    else:
        heading = _("Edit “%(name)s”") % {"name": criterion.label}
    form = CriterionForm(
        request.POST or None,
        instance=criterion,
        criteria_set=criteria_set,
        next_position=queries.next_position(criteria_set),
        initial={"dimension": request.GET.get("dimension")} if criterion is None else None,
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.CRITERION_FIELDS}
        try:
            saved = services.criterion_save(
                criteria_set=criteria_set,
                criterion=criterion,
                actor=request.user,
                fields=fields,
                expected_version=form.expected_version if criterion is not None else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Criterion “%(name)s” saved.") % {"name": saved.label})
            return _to_set(criteria_set, f"criterion-{saved.pk}")
    return render(
        request,
        "scoring/criteria/criterion_form.html",
        {"form": form, "criteria_set": criteria_set, "criterion": criterion, "heading": heading},
    )


def criteria_criterion_create(request, set_pk):
    criteria_set, refused = _editable_or_refused(request, set_pk)
    return refused or _criterion_form(request, criteria_set, None)


def criteria_criterion_edit(request, set_pk, criterion_pk):
    criteria_set, refused = _editable_or_refused(request, set_pk)
    criterion = queries.get_criterion_or_404(criteria_set, criterion_pk)
    return refused or _criterion_form(request, criteria_set, criterion)


def criteria_criterion_delete(request, set_pk, criterion_pk):
    criteria_set, refused = _editable_or_refused(request, set_pk)
    criterion = queries.get_criterion_or_404(criteria_set, criterion_pk)
    if refused:
        return refused
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    button = ButtonForm(request.POST)
    if not button.is_valid():
        messages.error(request, button.refusal())
        return _to_set(criteria_set)
    try:
        services.criterion_delete(
            criterion=criterion, actor=request.user, expected_version=button.expected_version
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_set(criteria_set, error)
    messages.success(request, _("Criterion “%(name)s” removed.") % {"name": criterion.label})
    return _to_set(criteria_set)


def criteria_preview(request, set_pk):
    access.require_admin(request.user, ADMINS_ONLY)
    criteria_set = queries.get_set_or_404(set_pk)
    if not criteria_set.is_draft or criteria_set.kind != SetKind.ACCOUNT:
        messages.info(request, _("Only a draft of the account selection criteria has a preview."))
        return _to_set(criteria_set)
    published = _published_for(criteria_set)
    return render(
        request,
        "scoring/criteria/preview.html",
        {
            "criteria_set": criteria_set,
            "published": published,
            "preview": queries.preview_draft(criteria_set, published),
            "changes": queries.set_changes(criteria_set, published),
        },
    )


def _publish_page(request, criteria_set, form, status=200):
    published = _published_for(criteria_set)
    is_account = criteria_set.kind == SetKind.ACCOUNT
    return render(
        request,
        "scoring/criteria/publish.html",
        {
            "criteria_set": criteria_set,
            "published": published,
            "form": form,
            "preview": queries.preview_draft(criteria_set, published) if is_account else None,
            "changes": queries.set_changes(criteria_set, published),
        },
        status=status,
    )


def criteria_publish(request, set_pk):
    """GET: the confirmation (what changes, which accounts change quadrant, the note);
    POST: publish, with the note."""
    criteria_set, refused = _editable_or_refused(request, set_pk)
    if refused:
        return refused
    if request.method != "POST":
        form = PublishForm(initial={"change_note": criteria_set.change_note})
        return _publish_page(request, criteria_set, form)
    button = ButtonForm(request.POST)
    if not button.is_valid():
        messages.error(request, button.refusal())
        return _to_set(criteria_set)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _publish_page(request, criteria_set, form)
    try:
        result = services.criteria_set_publish(
            criteria_set=criteria_set,
            actor=request.user,
            expected_version=button.expected_version,
            change_note=form.cleaned_data["change_note"],
        )
    except ValidationError as error:
        if not isinstance(error, EditConflict) and "change_note" in getattr(
            error, "error_dict", {}
        ):
            add_service_errors(form, error)
            return _publish_page(request, criteria_set, form)
        messages.error(request, " ".join(error.messages))
        return _back_to_set(criteria_set, error)
    messages.success(request, _published_message(result))
    return _to_set(criteria_set)


def _published_message(result) -> str:
    text = _("Version %(version)s is published.") % {"version": result.criteria_set.version}
    if result.archived is not None:
        text += " " + _("Version %(version)s is archived and stays readable.") % {
            "version": result.archived.version
        }
    if result.criteria_set.kind == SetKind.ACCOUNT:
        count = result.accounts_to_rescore
        text += " " + ngettext(
            "The scores of %(count)s account are carried over and re-computed under it in the "
            "background.",
            "The scores of %(count)s accounts are carried over and re-computed under it in the "
            "background.",
            count,
        ) % {"count": count}
    return text
