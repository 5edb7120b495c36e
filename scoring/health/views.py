# Placeholder until the health pages are written (issue 6).
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


account_health = overview = risk_model = risk_model_edit = runs = recalculate_now = _todo
