from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import access
from accounts.conflicts import ButtonForm
from accounts.forms import add_service_errors
from scoring.tiers import queries, services
from scoring.tiers.forms import TierRulesForm


def tier_rules(request):
    policy = queries.tier_policy()
    tiers = queries.tiers_with_rules()
    counts = queries.tier_counts(access.visible_accounts(request.user))
    context = {
        "policy": policy,
        "rows": [(tier, counts.get(tier.pk, 0)) for tier in tiers],
        "untiered": counts.get(None, 0),
        "can_edit": access.is_admin(request.user),
        "rules_changed": queries.rules_changed_since_applied(policy),
    }
    return render(request, "scoring/tiers/rules.html", context)


def tier_rules_edit(request):
    access.require_admin(request.user)
    policy = queries.tier_policy()
    tiers = queries.tiers_with_rules()
    form = TierRulesForm(
        request.POST or None,
        tiers=tiers,
        initial=TierRulesForm.initial_for(policy, tiers),
        row_version=queries.policy_version(policy),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.tier_rules_save(
                actor=request.user,
                basis=data["basis"],
                method=data["method"],
                rules=form.rules(),
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Tier rules saved. Preview the change, then apply it."))
            return redirect("scoring:tier_preview")
    return render(request, "scoring/tiers/edit.html", {"form": form, "policy": policy})


def tier_preview(request):
    access.require_admin(request.user)
    policy = queries.tier_policy()
    assignment = queries.assign(policy, queries.tiers_with_rules())
    context = {
        "policy": policy,
        "assignment": assignment,
        # Read with the policy, before the rules: Apply applies these rules or none.
        "row_version": queries.policy_version(policy),
    }
    return render(request, "scoring/tiers/preview.html", context)


def tier_apply(request):
    access.require_admin(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    button = ButtonForm(request.POST)
    if not button.is_valid():
        messages.error(request, button.refusal())
        return redirect("scoring:tier_preview")
    try:
        result = services.tier_rules_apply(
            actor=request.user, expected_version=button.expected_version
        )
    except ValidationError as error:
        # The rules changed since the preview: show the preview of the rules as they are now.
        messages.error(request, " ".join(error.messages))
        return redirect("scoring:tier_preview")
    messages.success(
        request,
        _("Tier rules applied: %(changed)s of %(accounts)s accounts changed tier.")
        % {"changed": result["changed"], "accounts": result["accounts"]},
    )
    return redirect("scoring:tier_rules")
