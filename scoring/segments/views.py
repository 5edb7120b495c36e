from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import ButtonForm
from accounts.forms import add_service_errors
from scoring.criteria.queries import published_set
from scoring.models import SetKind
from scoring.segments import queries, services
from scoring.segments.forms import SegmentForm, SegmentScoreForm


def segment_list(request):
    table = queries.segment_ranking()
    return render(
        request,
        "scoring/segments/list.html",
        {"table": table, "can_edit": access.is_admin(request.user)},
    )


def _segment_form(request, segment):
    access.require_admin(request.user)
    form = SegmentForm(request.POST or None, instance=segment)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.SEGMENT_FIELDS}
        try:
            saved = services.segment_save(
                actor=request.user,
                segment=segment,
                fields=fields,
                expected_version=form.expected_version if segment is not None else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Segment “%(name)s” saved.") % {"name": saved.label})
            # A new segment is scored next; an edited one goes back to the ranking.
            if segment is None:
                return redirect("scoring:segment_score", pk=saved.pk)
            return redirect("scoring:segment_list")
    return render(request, "scoring/segments/form.html", {"form": form, "segment": segment})


def segment_create(request):
    return _segment_form(request, None)


def segment_edit(request, pk):
    access.require_admin(request.user)
    return _segment_form(request, queries.get_segment_or_404(pk))


def segment_score(request, pk):
    access.require_admin(request.user)
    segment = queries.get_segment_or_404(pk)
    criteria_set = published_set(SetKind.SEGMENT)
    if criteria_set is None:
        messages.error(request, _("No segment criteria are published yet."))
        return redirect("scoring:segment_list")
    criteria = list(criteria_set.criteria.all())
    # The segment (read first) carries the version of its scores: never newer than the values.
    initial = queries.segment_values(segment, criteria_set)
    form = SegmentScoreForm(
        request.POST or None,
        criteria=criteria,
        criteria_set=criteria_set,
        initial=initial,
        row_version=segment.row_version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.segment_score(
                actor=request.user,
                segment=segment,
                criteria_set=criteria_set,
                values_by_code=form.values_by_code(),
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Scores of “%(name)s” saved.") % {"name": segment.label})
            return redirect("scoring:segment_list")
    context = {"form": form, "segment": segment, "criteria_set": criteria_set}
    return render(request, "scoring/segments/score.html", context)


def segment_delete(request, pk):
    access.require_admin(request.user)
    segment = queries.get_segment_or_404(pk)
    if request.method == "POST":
        button = ButtonForm(request.POST)
        if not button.is_valid():
            messages.error(request, button.refusal())
            return redirect("scoring:segment_list")
        try:
            services.segment_delete(
                actor=request.user, segment=segment, expected_version=button.expected_version
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("scoring:segment_list")
        messages.success(request, _("Segment “%(name)s” deleted.") % {"name": segment.label})
        return redirect("scoring:segment_list")
    return render(request, "scoring/segments/delete.html", {"segment": segment})
