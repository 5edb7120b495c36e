from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self):
        from accounts.tabs import AccountTab, register_tab

        register_tab(AccountTab("scores", _("Scores"), "scoring:scores", 50, "bullseye"))
        register_tab(AccountTab("value", _("Value"), "scoring:scorecard", 55, "gem"))
