"""The shipped tiers take the seeds' words (铂金客户 / 黄金客户 / 铁客户 / 铅客户); a name an admin
changed is left alone."""

from django.db import migrations

SHIPPED = {"platinum": "铂金", "gold": "黄金", "iron": "钢铁", "lead": "重铅"}
SEEDS = {"platinum": "铂金客户", "gold": "黄金客户", "iron": "铁客户", "lead": "铅客户"}


def rename(apps, old, new):
    Tier = apps.get_model("accounts", "Tier")
    for code, name in old.items():
        Tier.objects.filter(code=code, name_zh_hans=name).update(name_zh_hans=new[code])


def forwards(apps, schema_editor):
    rename(apps, SHIPPED, SEEDS)


def backwards(apps, schema_editor):
    rename(apps, SEEDS, SHIPPED)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0013_outbox")]

    operations = [migrations.RunPython(forwards, backwards)]
