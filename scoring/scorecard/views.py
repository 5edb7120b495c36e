from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts import access
from accounts.forms import add_service_errors
from accounts.tabs import render_account_tab
from scoring.scorecard import page, queries, services
from scoring.scorecard.forms import ScorecardForm

TAB = "value"


def scorecard_detail(request, pk):
    # Scope first, method second: an outsider gets 404 whatever the method.
    account = access.get_visible_account_or_404(request.user, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return render_account_tab(
        request,
        account,
        TAB,
        "scoring/scorecard/page.html",
        {"page": page.scorecard_page(account)},
    )


def scorecard_edit(request, pk):
    account = access.get_editable_account_or_404(request.user, pk)
    scorecard = queries.get_scorecard(account)
    form = ScorecardForm(request.POST or None, instance=scorecard)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.SCORECARD_FIELDS}
        try:
            services.scorecard_save(
                account=account,
                actor=request.user,
                expected_version=form.expected_version,
                fields=fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Value scorecard saved."))
            return redirect("scoring:scorecard", pk=account.pk)
    return render_account_tab(
        request, account, TAB, "scoring/scorecard/form.html", {"form": form, "scorecard": scorecard}
    )
