"""The Chinese words of issue 17 (defects 4, 5, 13): one term per concept, the right word where one
English word has two meanings, and lists and clauses joined with Chinese punctuation."""

from types import SimpleNamespace

from babel.messages.pofile import read_po
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, pgettext

from accounts.formatting import list_of
from accounts.models import Category
from scoring.models import CriteriaSet
from scoring.models.criteria import SHIPPED_NOTE

CATALOGUE = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def catalogue():
    with CATALOGUE.open("rb") as po_file:
        return [m for m in read_po(po_file, locale="zh_Hans") if m.id and m.string]


def test_target_value_and_target_account_are_two_words():
    with translation.override("zh-hans"):
        assert pgettext("target value", "Target") == "目标值"
        assert str(Category.TARGET.label) == "目标客户"


def test_lists_and_clauses_use_chinese_punctuation():
    with translation.override("zh-hans"):
        assert list_of(["甲", "乙", "丙"]) == "甲、乙、丙"
        job = SimpleNamespace(
            status="done", written={"created": 1, "updated": 0, "unchanged": 0, "skipped": 2}
        )
        summary = render_to_string("accounts/imports/_written.html", {"job": job})
    assert list_of(["a", "b"]) == "a, b"
    assert "," not in summary and summary.startswith("新建 1，更新 0，无变化 0，")


def test_the_shipped_criteria_note_reads_in_the_readers_language():
    shipped = CriteriaSet(change_note=SHIPPED_NOTE)
    own = CriteriaSet(change_note="Weights after the 2026 review.")
    with translation.override("zh-hans"):
        assert shipped.shown_change_note == "KAM 自带的默认标准。"
        assert own.shown_change_note == "Weights after the 2026 review."
    assert shipped.shown_change_note == SHIPPED_NOTE


def test_the_third_party_placeholders_are_translated():
    with translation.override("zh-hans"):
        assert gettext("- Select an option -") != "- Select an option -"
        assert gettext("%s (descending)") % "名称" == "名称（降序）"


def test_one_term_per_concept_for_lost():
    """丢失 for a lost account and its loss records (DESIGN.md §4), 流失 for churn, 丢单 for a
    lost opportunity; the loss record's "What happened" is not the visit's 拜访经过."""
    messages = catalogue()
    loss_records = [m for m in messages if "loss record" in str(m.id).lower()]
    assert loss_records and all("丢失记录" in str(m.string) for m in loss_records)
    assert not [m.id for m in messages if "流失记录" in str(m.string) or "记录流失" in m.string]
    churn = [m for m in messages if "churn" in str(m.id).lower() and isinstance(m.string, str)]
    assert churn and all("丢失" not in m.string and "丢单" not in m.string for m in churn)
    with translation.override("zh-hans"):
        assert pgettext("loss record", "What happened") == "事情经过"
        assert pgettext("account", "Why it was lost") == "丢失原因"
        assert str(Category.LOST.label) == "丢失客户"
