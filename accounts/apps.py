from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from celery.signals import worker_ready

        from accounts.history import register_history_source
        from accounts.imports.queries import import_history
        from accounts.tabs import AccountTab, register_tab

        register_history_source(import_history)

        register_tab(AccountTab("overview", _("Overview"), "accounts:detail", 10, "speedometer2"))
        register_tab(
            AccountTab("stakeholders", _("Stakeholders"), "accounts:stakeholders", 20, "diagram-3")
        )
        register_tab(
            AccountTab(
                "relationship", _("Relationship"), "accounts:relationship", 25, "bar-chart-steps"
            )
        )
        register_tab(
            AccountTab("transactions", _("Transactions"), "accounts:transactions", 60, "receipt")
        )
        register_tab(
            AccountTab(
                "complaints", _("Complaints"), "accounts:complaints", 70, "exclamation-octagon"
            )
        )
        register_tab(AccountTab("team", _("Team"), "accounts:team", 80, "people"))
        register_tab(AccountTab("history", _("History"), "accounts:history", 100, "clock-history"))

        # A worker that starts (often: Redis is back) first sends what waited in the outbox.
        worker_ready.connect(_relay_outbox, dispatch_uid="accounts-outbox-relay", weak=False)


def _relay_outbox(**kwargs):
    from accounts import outbox

    outbox.relay()
