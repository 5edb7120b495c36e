# Placeholder until the survey pages are written (issue 6).
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


survey_create = survey_send = survey_detail = survey_withdraw = survey_delete = _todo
indicator_list = indicator_create = indicator_edit = survey_answer = _todo
