"""Words KAM stores (a notification, an import's rejection reason) kept as a message — a msgid
and its values, or a kind and its values — and put into words in the reader's language when shown,
as the loss snapshot turns its codes into labels. In accounts, the bottom layer, so every app may
use it.

A message is plain JSON:
    {"msgid": "“%(value)s” is not a number.", "params": {"value": "abc"}}  gettext(msgid) % params
    {"kind": "churn_risk", ...}   put into words by a renderer an app registered (`register`)
    anything else                 shown as it is (the user's own words, text stored before messages)
A param may be a message or a list (listed the language's way). The msgids are marked where the
message is made (gettext_noop), so the catalogue has them.
"""

from collections.abc import Callable
from decimal import Decimal

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

from accounts.formatting import list_of

RENDERERS: dict[str, Callable[..., str]] = {}


class Message(dict):
    """A message that reads as text in the active language wherever text is expected
    (str(), templates), and is stored as JSON. `Message(gettext_noop("… %(value)s …")) % {…}`
    reads like the gettext it replaces."""

    def __init__(self, msgid: str, params: dict | None = None, context: str = ""):
        super().__init__(msgid=msgid, params={k: _storable(v) for k, v in (params or {}).items()})
        if context:
            self["context"] = context

    def __mod__(self, params: dict) -> "Message":
        return Message(self["msgid"], params, self.get("context", ""))

    def __str__(self) -> str:
        return render(self)


def message(msgid: str, **params) -> Message:
    return Message(msgid, params)


def label(lazy_label) -> Message | str:
    """A lazy translation (a field's or a choice's label) kept as its msgid and context."""
    if isinstance(lazy_label, Promise):
        args = getattr(lazy_label, "_args", ())
        if len(args) == 2 and all(isinstance(arg, str) for arg in args):  # pgettext_lazy
            return Message(args[1], context=args[0])
        if len(args) == 1 and isinstance(args[0], str):  # gettext_lazy
            return Message(args[0])
        with translation.override(None):
            return str(lazy_label)
    return lazy_label


def _storable(value):
    if isinstance(value, Promise):
        return label(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return value


def register(kind: str, renderer: Callable[..., str]) -> None:
    RENDERERS[kind] = renderer


def render(value) -> str:
    """The message in the active language."""
    if isinstance(value, dict) and "msgid" in value:
        msgid = value["msgid"]
        text = pgettext(value["context"], msgid) if value.get("context") else gettext(msgid)
        params = {name: render(param) for name, param in (value.get("params") or {}).items()}
        return text % params if params else text
    if isinstance(value, dict) and value.get("kind") in RENDERERS:
        values = {name: item for name, item in value.items() if name != "kind"}
        return RENDERERS[value["kind"]](**values)
    if isinstance(value, dict):
        return ""
    if isinstance(value, list | tuple):
        return list_of(render(item) for item in value)
    return str(value)
