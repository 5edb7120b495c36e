import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Models changed without a migration (run makemigrations):\n{out.getvalue()}")


APPS = {"accounts", "planning", "scoring", "kam"}


def test_migrations_import_no_app_code_but_the_field_defaults_django_writes():
    """Data migrations carry their rows frozen: a later change to app code (scoring/defaults.py)
    must not change what migrating a fresh database does. The one import Django itself writes is
    a model field's callable default (`import planning.models.reminders`)."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in sorted(root.glob("*/migrations/*.py")):
        tree = ast.parse(path.read_text())
        top_level = set(tree.body)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
                allowed = node in top_level and all(".models." in name for name in names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names, allowed = [node.module], False
            else:
                continue
            offenders += [
                f"{path.relative_to(root)}:{node.lineno} {name}"
                for name in names
                if name.split(".")[0] in APPS and not allowed
            ]
    assert offenders == []
