"""The tabs of the account page. Each app registers its own tab from its AppConfig.ready(), so the
shared header never imports from the apps that draw the tabs (imports run scoring → planning →
accounts, never back)."""

from dataclasses import dataclass

from django.urls import reverse


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


def register_tab(tab: AccountTab) -> None:
    _tabs[tab.key] = tab


def account_tabs() -> list[AccountTab]:
    return sorted(_tabs.values(), key=lambda tab: tab.order)
