"""Calendar-feed tokens are stored as their SHA-256 only. Each existing token is hashed here, so
the URLs calendars are already subscribed to keep working; the tokens themselves are dropped."""

import hashlib
import secrets

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("planning", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "token").iterator():
        feed.token_hash = hashlib.sha256(feed.token.encode()).hexdigest()
        feed.save(update_fields=["token_hash"])


def fresh_tokens(apps, schema_editor):
    # A hash cannot be turned back into its token: going back issues new links.
    CalendarFeed = apps.get_model("planning", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk").iterator():
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0004_row_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token",
            field=models.CharField(max_length=64, null=True, unique=True, verbose_name="token"),
        ),
        migrations.RunPython(hash_tokens, fresh_tokens),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(
                editable=False, max_length=64, unique=True, verbose_name="token hash"
            ),
        ),
    ]
