from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.signals import records_imported
from scoring.surveys.signals import survey_changed


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self):
        # Imported here: these modules use the models, which are loaded only now.
        from accounts.demo import register_dependent_delete
        from accounts.history import register_history_source
        from accounts.imports.dry_run import register_rule_tiers
        from accounts.tabs import AccountTab, register_header_panel, register_tab
        from accounts.translatable import register
        from scoring.assessments.history import assessment_history
        from scoring.dashboard.cache import connect_invalidation
        from scoring.demo import delete_demo_data
        from scoring.health.alerts import CHURN_ALERT, churn_alert_text
        from scoring.health.header import health_panel
        from scoring.health.history import risk_level_history, survey_history
        from scoring.health.services import (
            health_recalculate_after_import,
            recalculate_after_survey,
        )
        from scoring.tiers.queries import rule_tiers

        register_tab(AccountTab("scores", _("Scores"), "scoring:scores", 50, "bullseye"))
        register_tab(
            AccountTab(
                "value", pgettext_lazy("account tab", "Value"), "scoring:scorecard", 55, "gem"
            )
        )
        register_tab(
            AccountTab(
                "health",
                pgettext_lazy("account tab", "Health"),
                "scoring:health",
                60,
                "heart-pulse",
            )
        )
        register_header_panel(health_panel)
        register_history_source(assessment_history)
        register_history_source(survey_history)
        register_history_source(risk_level_history)
        register_dependent_delete(delete_demo_data)
        register_rule_tiers(rule_tiers)
        connect_invalidation()
        register(CHURN_ALERT, churn_alert_text)
        records_imported.connect(
            health_recalculate_after_import, dispatch_uid="health-after-import"
        )
        survey_changed.connect(recalculate_after_survey, dispatch_uid="health-after-survey")
