from django.db import migrations

ROLES = ("account_manager", "sales_director", "kam_admin")
DEFAULT_TIERS = [
    ("platinum", "Platinum", "铂金", 1),
    ("gold", "Gold", "黄金", 2),
    ("iron", "Iron", "钢铁", 3),
    ("lead", "Lead", "重铅", 4),
]


def create_roles_and_tiers(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Tier = apps.get_model("accounts", "Tier")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, name_zh, rank in DEFAULT_TIERS:
        Tier.objects.get_or_create(
            code=code, defaults={"name": name, "name_zh_hans": name_zh, "rank": rank}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles_and_tiers, migrations.RunPython.noop)]
