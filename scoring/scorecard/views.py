from accounts import access
from accounts.tabs import render_account_tab


def scorecard_detail(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return render_account_tab(request, account, "value", "scoring/scorecard/page.html")
