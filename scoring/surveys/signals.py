"""What the surveys tell the layers above them (DESIGN.md §2: surveys import nothing from
health)."""

from django.dispatch import Signal

# A survey of an account was recorded, answered or deleted, with `account_id`; sent inside the
# writing transaction (a receiver that queues work does so for after the commit).
survey_changed = Signal()
