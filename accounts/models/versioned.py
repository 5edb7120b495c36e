"""Records that people edit from forms carry a version number, so that a form saved from a stale
page is refused instead of silently overwriting what someone else saved in the meantime (the
check and its exception are in accounts.conflicts)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """A version number that every write of the row moves on by one.

    `save()` of an existing row first claims it with a conditional UPDATE ("… WHERE row_version =
    the version this copy was read at"): if someone else wrote the row since, nothing is written and
    accounts.conflicts.EditConflict is raised. A service that edits from a form sets the version
    the form was loaded at with `conflicts.claim(record, expected_version=…)` first, which also
    locks the row until its transaction ends. Bulk writers (`QuerySet.update`, `bulk_update`) move
    the version on themselves: `row_version=F("row_version") + 1`.
    """

    # db_default too: a row inserted outside the ORM (SQL by hand, a benchmark's seed) starts at 1.
    row_version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            from accounts.conflicts import claim_for_save

            claim_for_save(self)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "row_version"}
        super().save(*args, **kwargs)
