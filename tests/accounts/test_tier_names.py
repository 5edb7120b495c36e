"""The shipped tiers use the seeds' words (issue 17, defect 5); the data migration renames the
old shipped names and leaves a name an admin chose alone."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from accounts.models import Tier

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0014_tier_seed_names")
SEEDS = {"platinum": "铂金客户", "gold": "黄金客户", "iron": "铁客户", "lead": "铅客户"}


def test_a_new_database_has_the_seeds_words():
    assert dict(Tier.objects.values_list("code", "name_zh_hans")) == SEEDS
    with translation.override("zh-hans"):
        assert [str(tier) for tier in Tier.objects.order_by("rank")] == list(SEEDS.values())


def test_the_migration_renames_the_old_shipped_names_but_not_an_admins():
    Tier.objects.filter(code="iron").update(name_zh_hans="钢铁")
    Tier.objects.filter(code="lead").update(name_zh_hans="重铅")
    Tier.objects.filter(code="gold").update(name_zh_hans="金牌伙伴")  # an admin's choice

    migration.forwards(apps, schema_editor=None)

    names = dict(Tier.objects.values_list("code", "name_zh_hans"))
    assert names == {**SEEDS, "gold": "金牌伙伴"}
