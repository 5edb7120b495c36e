"""Which way imports run (DESIGN.md §2), as import-linter checks it in `make lint`: the contracts in
pyproject.toml hold for the code, and each of them fails on a copy of the code that breaks it — so
a contract dropped, weakened or pointed at a package that no longer exists fails here too."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from accounts.outbox import registered_task
from scoring.criteria.services import CARRY_OVER_SCORES
from scoring.dashboard.cache import WARM_DASHBOARDS
from scoring.health.services import (
    RECALCULATE_ACCOUNT_HEALTH,
    RECALCULATE_HEALTH,
    RETRY_HEALTH_RUN,
)

BASE_DIR = Path(settings.BASE_DIR)
PACKAGES = ("kam", "accounts", "planning", "scoring")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

APPS = "scoring -> planning -> accounts: an app imports nothing from the apps above it"
NO_KAM = "No app imports kam (the project package: settings and wiring)"
PURE_ENGINE = "scoring.engine and scoring.geometry are pure: no Django, Celery or app code"
SCORING_LAYERS = "Inside scoring: the engine at the bottom, the dashboard on top, no cycles"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """`lint-imports` as `make lint` runs it, on the code and pyproject.toml under `root`."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_every_import_contract():
    result = lint_imports(BASE_DIR)

    assert result.returncode == 0, result.stdout + result.stderr
    for contract in (APPS, NO_KAM, PURE_ENGINE, SCORING_LAYERS):
        assert f"{contract} KEPT" in result.stdout
    assert "Contracts: 4 kept, 0 broken." in result.stdout


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("code")
    shutil.copy(BASE_DIR / "pyproject.toml", root)
    for package in PACKAGES:
        shutil.copytree(
            BASE_DIR / package, root / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return root


# (the file that gets the import, the import, the contract it breaks)
REVERSE_IMPORTS = [
    ("accounts/models/__init__.py", "import scoring", APPS),
    ("accounts/access.py", "from planning import models", APPS),
    ("planning/models/plans.py", "from scoring.models import Assessment", APPS),
    ("scoring/models/health.py", "import kam.settings", NO_KAM),
    ("accounts/outbox.py", "from kam.celery import app", NO_KAM),
    ("scoring/engine.py", "from django.db import models", PURE_ENGINE),
    ("scoring/geometry.py", "from django.utils import timezone", PURE_ENGINE),
    ("scoring/geometry.py", "from scoring import engine", SCORING_LAYERS),
    ("scoring/health/runs.py", "from scoring.dashboard import cache", SCORING_LAYERS),
    ("scoring/surveys/services.py", "from scoring.health import services", SCORING_LAYERS),
    ("scoring/criteria/queries.py", "from scoring.assessments import services", SCORING_LAYERS),
    ("scoring/health/services.py", "from scoring import tasks", SCORING_LAYERS),
    ("scoring/models/criteria.py", "from scoring.criteria import queries", SCORING_LAYERS),
]


@pytest.mark.parametrize(("path", "line", "contract"), REVERSE_IMPORTS)
def test_a_reverse_import_breaks_its_contract(copy_of_the_code, path, line, contract):
    module = copy_of_the_code / path
    assert module.exists(), f"{path} is gone: choose another module of the same layer"
    original = module.read_text(encoding="utf-8")
    module.write_text(f"{original}\n{line}  # a reverse import\n", encoding="utf-8")
    try:
        result = lint_imports(copy_of_the_code)
    finally:
        module.write_text(original, encoding="utf-8")

    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout, result.stdout + result.stderr
    assert "Contracts: 3 kept, 1 broken." in result.stdout


def test_a_contract_naming_a_package_that_is_gone_fails(copy_of_the_code, tmp_path):
    """A sub-package renamed without its contract must not silently leave the layering."""
    moved = tmp_path / "portfolio"
    shutil.move(copy_of_the_code / "scoring" / "portfolio", moved)
    try:
        result = lint_imports(copy_of_the_code)
    finally:
        shutil.move(moved, copy_of_the_code / "scoring" / "portfolio")

    assert result.returncode != 0
    assert "scoring.portfolio" in result.stdout + result.stderr


def test_the_copy_itself_passes(copy_of_the_code):
    """What makes the runs above fail is their one change, not the copying."""
    assert lint_imports(copy_of_the_code).returncode == 0


def test_the_tasks_asked_for_by_name_exist():
    """A lower layer names the task of scoring.tasks it asks for (it may not import the module
    above it): each name is a registered task."""
    names = [
        CARRY_OVER_SCORES,
        WARM_DASHBOARDS,
        RECALCULATE_ACCOUNT_HEALTH,
        RECALCULATE_HEALTH,
        RETRY_HEALTH_RUN,
    ]
    assert [registered_task(name).name for name in names] == names
