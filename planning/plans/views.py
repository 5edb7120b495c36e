from accounts import access
from accounts.tabs import render_account_tab


def plan_list(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return render_account_tab(request, account, "plans", "planning/plans/list.html")
