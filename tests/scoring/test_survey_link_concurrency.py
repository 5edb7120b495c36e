"""Two submissions of one private link at the same moment (a double tap, two tabs): the row lock
lets exactly one complete the survey; the other finds it answered."""

import threading

import pytest
from django.db import connection

from scoring.models import Survey, SurveyAnswer, SurveyStatus
from scoring.surveys import services, tokens
from tests.factories import AccountFactory, StakeholderFactory, shipped_survey_indicators

pytestmark = pytest.mark.django_db(transaction=True)


def test_only_one_of_two_simultaneous_answers_wins():
    indicators = {i.code: i for i in shipped_survey_indicators()}
    account = AccountFactory()
    survey, url = services.survey_send(
        account=account,
        respondent=StakeholderFactory(account=account),
        language="en",
        days=7,
        sent_by=account.owner,
    )
    pk, nonce = tokens.read_token(url.rstrip("/").rsplit("/", 1)[-1])
    answer_sets = [
        {
            indicators["quality"]: (5, 4),
            indicators["delivery"]: (3, 2),
            indicators["courtesy"]: (1, 5),
        },
        {
            indicators["quality"]: (1, 1),
            indicators["range"]: (1, 1),
            indicators["reputation"]: (1, 1),
        },
    ]
    # Both threads pass the barrier together and race for the row lock.
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(answers):
        try:
            barrier.wait(timeout=10)
            services.survey_answer(pk=pk, nonce=nonce, answers=answers)
            outcomes.append("answered")
        except services.AlreadyAnswered:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(answers,)) for answers in answer_sets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["answered", "refused"]
    survey = Survey.objects.get(pk=pk)
    assert survey.status == SurveyStatus.COMPLETED
    # One set of answers, whole: never a mixture of the two.
    answers = set(
        SurveyAnswer.objects.filter(survey=survey).values_list("indicator__code", flat=True)
    )
    assert answers in ({"quality", "delivery", "courtesy"}, {"quality", "range", "reputation"})
