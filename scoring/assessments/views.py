from accounts import access
from accounts.tabs import render_account_tab


def score_overview(request, pk):
    account = access.get_visible_account_or_404(request.user, pk)
    return render_account_tab(request, account, "scores", "scoring/assessments/page.html")
