"""What an error report mailed to ADMINS may carry (settings.DEFAULT_EXCEPTION_REPORTER_FILTER)."""

import re

from django.views.debug import SafeExceptionReporterFilter


class PrivateReporterFilter(SafeExceptionReporterFilter):
    """Django's filter, plus: no value a person typed (a form may hold a stakeholder's private
    notes, which only the account team may read) and no URL with a password in it."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE_URL|REDIS_URL|BROKER_URL|DSN",
        flags=re.IGNORECASE,
    )

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)
