from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")

    def ready(self):
        from accounts.demo import register_dependent_delete
        from accounts.lifecycle import register_loss_recorder
        from accounts.tabs import AccountTab, register_tab
        from planning.demo import delete_demo_data

        register_tab(AccountTab("plans", _("Plans"), "planning:plans", 30, "journal-check"))
        register_tab(AccountTab("visits", _("Visits"), "planning:visits", 40, "calendar-event"))
        register_tab(AccountTab("pipeline", _("Pipeline"), "planning:pipeline", 45, "funnel"))
        register_loss_recorder("planning:loss_record_create")
        register_dependent_delete(delete_demo_data)
