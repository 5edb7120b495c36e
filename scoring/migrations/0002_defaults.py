from django.db import migrations
from django.utils import timezone


def load_defaults(apps, schema_editor):
    from scoring import defaults

    CriteriaSet = apps.get_model("scoring", "CriteriaSet")
    Criterion = apps.get_model("scoring", "Criterion")
    Tier = apps.get_model("accounts", "Tier")
    TierPolicy = apps.get_model("scoring", "TierPolicy")
    TierRule = apps.get_model("scoring", "TierRule")
    now = timezone.now()
    for kind, name, name_zh, definitions in (
        ("account", "Key account selection criteria", "大客户选择标准", defaults.ACCOUNT_CRITERIA),
        ("segment", "Segment scoring criteria", "细分市场评分标准", defaults.SEGMENT_CRITERIA),
    ):
        criteria_set = CriteriaSet.objects.create(
            kind=kind,
            version=1,
            status="published",
            name=name,
            name_zh_hans=name_zh,
            change_note="The default criteria that ship with KAM.",
            published_at=now,
        )
        Criterion.objects.bulk_create(
            Criterion(criteria_set=criteria_set, **row)
            for row in defaults.criterion_rows(definitions)
        )
    TierPolicy.objects.get_or_create(pk=1)
    for code, min_value, top_percent in defaults.TIER_RULES:
        tier = Tier.objects.filter(code=code).first()
        if tier is not None:
            TierRule.objects.get_or_create(
                tier=tier, defaults={"min_value": min_value, "top_percent": top_percent}
            )


def remove_defaults(apps, schema_editor):
    apps.get_model("scoring", "Criterion").objects.all().delete()
    apps.get_model("scoring", "CriteriaSet").objects.all().delete()
    apps.get_model("scoring", "TierRule").objects.all().delete()
    apps.get_model("scoring", "TierPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0001_initial"),
        ("accounts", "0005_tier_visit_cadence"),
    ]

    operations = [migrations.RunPython(load_defaults, remove_defaults)]
