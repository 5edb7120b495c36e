from django.db import migrations


def load_defaults(apps, schema_editor):
    from scoring import defaults

    SurveyIndicator = apps.get_model("scoring", "SurveyIndicator")
    RiskFactor = apps.get_model("scoring", "RiskFactor")
    RiskPolicy = apps.get_model("scoring", "RiskPolicy")
    for row in defaults.survey_indicator_rows():
        SurveyIndicator.objects.get_or_create(code=row.pop("code"), defaults=row)
    for row in defaults.risk_factor_rows():
        RiskFactor.objects.get_or_create(code=row.pop("code"), defaults=row)
    RiskPolicy.objects.get_or_create(pk=1)


def remove_defaults(apps, schema_editor):
    apps.get_model("scoring", "RiskFactor").objects.all().delete()
    apps.get_model("scoring", "RiskPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_health")]

    operations = [migrations.RunPython(load_defaults, remove_defaults)]
