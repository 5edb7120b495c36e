from decimal import Decimal

from django.db import migrations


def load_defaults(apps, schema_editor):
    from scoring import defaults

    SurveyIndicator = apps.get_model("scoring", "SurveyIndicator")
    RiskFactor = apps.get_model("scoring", "RiskFactor")
    RiskPolicy = apps.get_model("scoring", "RiskPolicy")
    for position, row in enumerate(defaults.SURVEY_INDICATORS, start=1):
        code, group, name, name_zh, question, question_zh = row
        SurveyIndicator.objects.get_or_create(
            code=code,
            defaults={
                "group": group,
                "name": name,
                "name_zh_hans": name_zh,
                "question": question,
                "question_zh_hans": question_zh,
                "position": position * 10,
            },
        )
    for position, (code, weight, start, full, days) in enumerate(defaults.RISK_FACTORS, start=1):
        RiskFactor.objects.get_or_create(
            code=code,
            defaults={
                "weight": weight,
                "start": Decimal(start),
                "full": Decimal(full),
                "days": days,
                "position": position * 10,
            },
        )
    RiskPolicy.objects.get_or_create(pk=1)


def remove_defaults(apps, schema_editor):
    apps.get_model("scoring", "RiskFactor").objects.all().delete()
    apps.get_model("scoring", "RiskPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_health")]

    operations = [migrations.RunPython(load_defaults, remove_defaults)]
