"""Signals the accounts app sends for writes that Django's model signals do not announce."""

from django.dispatch import Signal

# Sent inside the import's transaction after its bulk writes (which send no post_save), with
# job=ImportJob and account_ids=the accounts whose records it created or changed.
records_imported = Signal()
