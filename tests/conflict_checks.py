"""The generic proof that no edit overwrites someone else's change silently (DESIGN.md §6).

Each app lists its edit routes in tests/<app>/conflict_cases.py: `CASES` maps a route name to a
function that builds a `ConflictCase` from the personas, and `NOT_EDITS` names every other route
of the app with the reason it needs no case (a list, a create form, a page without a form…).
tests/kam/test_edit_conflicts.py runs every case and fails when a route of an app is in neither,
so a new edit route cannot ship without its proof.

A case is run like two people at work: A opens the form; B saves a change to the same record;
A submits the form with A's own edits. Nothing of A's may be written, A must be told who changed
the record, and a form must come back with A's input still in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html


@dataclass
class Personas:
    owner: object
    teammate: object
    outsider: object
    director: object
    admin: object
    account: object


@dataclass
class ConflictCase:
    url: str  # the page with the form
    editor: object  # A, who loaded the form and saves last
    change: Callable[[], None]  # B's change, saved after A loaded the form
    changed_by: object  # B, whose name the conflict message gives
    stored: Callable[[], object]  # what is stored: A's refused submit must not move it
    edit: dict[str, str] = field(default_factory=dict)  # A's own edits: field name → value
    # Which form on the page: the one whose action ends with this (default: the first form
    # that carries a row_version).
    action_suffix: str | None = None
    # A button that posts at once (mark done, cancel…) rather than a form shown again.
    in_place: bool = False


def page_form(html: str, base_url: str, action_suffix: str | None = None):
    """The form a person would submit: its action URL and the values a browser would send."""
    document = lxml.html.fromstring(html)
    for form in document.forms:
        action = urljoin(base_url, form.get("action") or base_url)
        if action_suffix is not None:
            if action.split("?")[0].endswith(action_suffix):
                return action, form
            continue
        if form.xpath(".//input[substring(@name, string-length(@name) - 10) = 'row_version']"):
            return action, form
    wanted = f"ending {action_suffix}" if action_suffix else "with a row_version"
    raise AssertionError(f"no form {wanted} on {base_url}")


def form_data(form, edit: dict[str, str]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    # A browser drops the newline right after <textarea> (Django writes one); lxml keeps it.
    for textarea in form.xpath(".//textarea"):
        if textarea.text and textarea.text.startswith("\n"):
            textarea.text = textarea.text[1:]
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    # lxml sends "on" for a ticked radio or checkbox whose value is empty; a browser sends "".
    for choice in form.xpath(".//input[@type='radio' or @type='checkbox'][@checked][@value='']"):
        values = data.get(choice.get("name"), [])
        if "on" in values:
            values[values.index("on")] = ""
    buttons = form.xpath(
        ".//button[@type='submit' or not(@type)][@name]|.//input[@type='submit'][@name]"
    )
    if buttons:
        data.setdefault(buttons[0].get("name"), []).append(buttons[0].get("value", ""))
    for name, value in edit.items():
        data[name] = value if isinstance(value, list) else [value]
    return data
