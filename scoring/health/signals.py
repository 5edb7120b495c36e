"""What the health recalculation tells the layers above it (DESIGN.md §2: health imports nothing
from the dashboard)."""

from django.dispatch import Signal

# A run changed some accounts' health; sent once its batches are committed, with `run` (the
# HealthRun: `run.account_id` is None for a full run).
health_recalculated = Signal()
