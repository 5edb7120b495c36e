"""The tabs of the account page. Each app registers its own tab from its AppConfig.ready(), so the
shared header never imports from the apps that draw the tabs (imports run scoring → planning →
accounts, never back)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.response import TemplateResponse
from django.urls import reverse

from accounts import access, queries


@dataclass(frozen=True)
class AccountTab:
    key: str
    label: str
    url_name: str
    order: int
    icon: str = ""

    def url_for(self, account) -> str:
        return reverse(self.url_name, args=[account.pk])


_tabs: dict[str, AccountTab] = {}

# Figures other apps add to the account header (scoring's risk and satisfaction sparklines):
# each is called with the account and returns {"template": …, **context} or None.
_header_panels: list[Callable[[object], dict | None]] = []


def register_header_panel(panel: Callable[[object], dict | None]) -> None:
    if panel not in _header_panels:
        _header_panels.append(panel)


def header_panels(account) -> list[dict]:
    return [found for panel in _header_panels if (found := panel(account))]


def register_tab(tab: AccountTab) -> None:
    _tabs[tab.key] = tab


def account_tabs() -> list[AccountTab]:
    return sorted(_tabs.values(), key=lambda tab: tab.order)


def render_account_tab(request, account, tab: str, template: str, context=None):
    """Render one tab of the account page: the shared header, the tab strip, then the tab's own
    context. Every app's tab view ends here."""
    user = request.user
    page = {
        "account": account,
        "active_tab": tab,
        "tabs": [(t, t.url_for(account)) for t in account_tabs()],
        "header": queries.account_header_figures(account),
        "header_panels": header_panels(account),
        "team": queries.team_for_display(account),
        "can_edit": access.can_edit_account(user, account),
        "can_manage_team": access.can_manage_team(user, account),
    }
    page.update(context or {})
    return TemplateResponse(request, template, page)
