"""What every demo step shares: the seed, the size, today, the demo users, and the batch sizes."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from accounts.models import User

ACCOUNT_BATCH = 1000
INSERT_BATCH = 5000


@dataclass
class DemoContext:
    """What every demo step shares: the seed, the size, today, and the demo users once created."""

    seed: int
    account_count: int
    today: date = field(default_factory=timezone.localdate)
    users: dict[str, User] = field(default_factory=dict)
    progress: Callable[[str], None] = field(default=lambda message: None)

    def rng(self, step: str) -> random.Random:
        # One generator per step: a step added later leaves the other steps' data unchanged.
        return random.Random(f"{self.seed}:{step}")
