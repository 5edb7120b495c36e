"""Every date field of every form renders an ISO value (YYYY-MM-DD) in every language: a browser's
<input type="date"> refuses anything else and shows an empty field (issue 17, defect 3)."""

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import translation

PROJECT_APPS = ("kam", "accounts", "planning", "scoring")
DAY = dt.date(2026, 12, 8)


def forms_modules():
    for label in PROJECT_APPS:
        package = importlib.import_module(apps.get_app_config(label).name)
        names = [f"{package.__name__}.forms"] + [
            f"{package.__name__}.{info.name}.forms"
            for info in pkgutil.iter_modules(package.__path__)
            if info.ispkg
        ]
        for name in names:
            try:
                yield importlib.import_module(name)
            except ModuleNotFoundError as error:
                if error.name != name:
                    raise


def date_fields():
    """(form name, field name, field) for every form class defined in the apps' forms modules."""
    found = {}
    for module in forms_modules():
        for _name, form_class in inspect.getmembers(module, inspect.isclass):
            defined_here = form_class.__module__ == module.__name__
            if not (defined_here and issubclass(form_class, forms.BaseForm)):
                continue
            for field_name, field in form_class.base_fields.items():
                if isinstance(field, forms.DateField) or isinstance(field.widget, forms.DateInput):
                    found[f"{form_class.__module__}.{form_class.__name__}.{field_name}"] = field
    return found


DATE_FIELDS = date_fields()
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def test_the_forms_with_dates_are_found():
    """The enumeration finds the known forms, so the check below is not vacuous."""
    assert "scoring.surveys.forms.RecordSurveyForm.answered_on" in DATE_FIELDS
    assert "planning.plans.forms.ActionForm.due_on" in DATE_FIELDS
    assert len(DATE_FIELDS) >= 8


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(DATE_FIELDS))
def test_every_date_input_renders_iso_values(name, language):
    field = DATE_FIELDS[name]
    with translation.override(language):
        html = field.widget.render("day", DAY, attrs={"id": "id_day"})
    assert 'type="date"' in html, f"{name} is not a date picker: {html}"
    assert 'value="2026-12-08"' in html, f"{name} in {language}: {html}"
