"""What a notification says, stored as a message (a msgid and its values, or a kind and its
values) and put into words in the reader's language when it is shown, as the loss snapshot turns
its codes into labels. A notification written before messages existed shows its stored text.

A message is plain JSON:
    {"msgid": "%(account)s · %(section)s: %(text)s", "params": {...}}   gettext(msgid) % params
    {"kind": "churn_risk", ...}                                         a renderer registered by an
                                                                        app above planning
    anything else                                                       shown as it is (user data)
A param may itself be a message. msgids are marked where the message is made (gettext_noop), so
the catalogue has them.
"""

from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext

RENDERERS: dict[str, Callable[..., str]] = {}


def message(msgid: str, **params) -> dict:
    return {"msgid": msgid, "params": params}


def label(lazy_label) -> dict:
    """A choice label (a lazy translation) kept as its msgid, so it is translated when shown."""
    with translation.override("en"):
        return {"msgid": str(lazy_label), "params": {}}


def register(kind: str, renderer: Callable[..., str]) -> None:
    RENDERERS[kind] = renderer


def render(value) -> str:
    """The message in the active language."""
    if isinstance(value, dict) and "msgid" in value:
        text = gettext(value["msgid"])
        params = {name: render(param) for name, param in (value.get("params") or {}).items()}
        return text % params if params else text
    if isinstance(value, dict) and value.get("kind") in RENDERERS:
        values = {name: item for name, item in value.items() if name != "kind"}
        return RENDERERS[value["kind"]](**values)
    if isinstance(value, dict):
        return ""
    return str(value)
