from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0004_health_defaults"),
    ]

    operations = [
        migrations.AddField(
            model_name="accounthealth",
            name="risk_change",
            field=models.SmallIntegerField(
                blank=True, null=True, verbose_name="change since last week"
            ),
        ),
    ]
