"""Every page a manager, a director and an admin can reach, rendered in Chinese over the demo
data, shows no English that the catalogue translates, and no placeholder of a third-party package
(issue 17, defect 4). The pages are found by following the links of the pages themselves, from
every route that takes no argument, so a new page is covered once something links to it.

A text node or an <option> that equals an msgid of the catalogue (one with a Chinese translation
that differs) was shown untranslated: a string marked but rendered outside the active language,
a lazy string frozen at import, or a model's stored English."""

import re
from collections import defaultdict, deque
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from django.utils import translation

from accounts.demo import DEMO_LOGINS
from accounts.models import User
from planning.reminders.services import digests_send_daily
from tests.accounts.import_jobs import account_rows, checked

pytestmark = pytest.mark.django_db

CATALOGUE = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Words of third-party packages (Django's blank choice and empty select, django-filter's sort
# labels) that reach a page in English when our catalogue does not translate them.
THIRD_PARTY = ("- Select an option -", "---------", "(descending)", "(ascending)")
# Demo data that happens to be an msgid too: an English-speaking account's "Finance" department.
DATA_WORDS = {"Finance"}
# Pages the crawl must reach, so a broken link graph cannot make the test pass on nothing.
REACHED = {
    "account_manager": {"notifications/", "accounts/import/<int:pk>/", "accounts/<int:pk>/value/"},
    "sales_director": {"portfolio/dashboard/", "accounts/<int:pk>/stakeholders/"},
    "kam_admin": {"criteria/<int:set_pk>/", "tiers/", "surveys/indicators/"},
}
PER_ROUTE = 2  # pages per URL pattern: the same template with other ids adds little
MAX_PAGES = 260  # per role, so the test stays within a minute or two
SKIPPED_ROUTES = {"logout", "set_language"}
SKIPPED_NAMESPACES = {"admin"}  # Django's admin, translated by Django's own catalogue


def english_msgids() -> set[str]:
    with CATALOGUE.open("rb") as po_file:
        catalogue = read_po(po_file, locale="zh_Hans")
    found = set()
    for message in catalogue:
        if not message.id or message.pluralizable or not isinstance(message.id, str):
            continue
        text = " ".join(message.id.split())
        if (
            message.string
            and message.string != message.id
            and re.search(r"[A-Za-z]{2}", text)
            and not re.search(r"%|\{", text)
        ):
            found.add(text)
    return found


class Texts(HTMLParser):
    """The visible text nodes, <option> labels, placeholders, titles and ARIA labels of a page;
    not those inside an element marked lang="en" (English on purpose, e.g. the English name
    beside the Chinese one) or translate="no" (the words of an uploaded file)."""

    HIDDEN = {"script", "style", "template", "textarea", "code", "pre"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.hidden = 0
        self.open: dict[str, int] = defaultdict(int)
        self.english: list[tuple[str, int]] = []  # (tag, its open count) of lang="en" elements

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.VOID:
            self._attributes(tag, attributes)
            return
        self.open[tag] += 1
        if (attributes.get("lang") or "").startswith("en") or attributes.get("translate") == "no":
            self.english.append((tag, self.open[tag]))
        if tag in self.HIDDEN or self.english:
            self.hidden += 1
        self._attributes(tag, attributes)

    def _attributes(self, tag, attributes):
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            self.links.append(attributes["href"])
        for name in ("placeholder", "title", "aria-label"):
            if attributes.get(name) and not self.hidden:
                self.texts.append(attributes[name])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if (tag in self.HIDDEN or self.english) and self.hidden:
            self.hidden -= 1
        if self.english and self.english[-1] == (tag, self.open[tag]):
            self.english.pop()
        self.open[tag] = max(self.open[tag] - 1, 0)

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(data)


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name in SKIPPED_ROUTES or SKIPPED_NAMESPACES & set(match.namespaces):
        return None
    return match.route


def start_paths(patterns=None, prefix="") -> list[str]:
    """Every route that takes no argument."""
    paths = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if "<" in route or "(" in route or "^" in route:
            continue
        if isinstance(pattern, URLResolver):
            paths += start_paths(pattern.url_patterns, route)
        else:
            paths.append("/" + route)
    return sorted(set(paths))


def crawl(client: Client) -> dict[str, str]:
    """{path: html} of the pages reachable from the start paths by links, PER_ROUTE per route."""
    pages: dict[str, str] = {}
    per_route: dict[str, int] = defaultdict(int)
    queue = deque(start_paths())
    seen = set(queue)
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft()
        route = route_of(urlsplit(path).path)
        if route is None or per_route[route] >= PER_ROUTE:
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        per_route[route] += 1
        html = response.content.decode()
        pages[path] = html
        parser = Texts()
        parser.feed(html)
        for href in parser.links:
            url = urlsplit(urljoin(path, href))
            if url.netloc and url.netloc != "testserver":
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


def english_on(html: str, msgids: set[str]) -> set[str]:
    parser = Texts()
    parser.feed(html)
    found = set()
    for text in parser.texts:
        shown = " ".join(text.split())
        if shown in DATA_WORDS:
            continue
        if shown in msgids or any(words in shown for words in THIRD_PARTY):
            found.add(shown)
    return found


@pytest.fixture
def demo_site(db, django_capture_on_commit_callbacks):
    with override_settings(KAM_DEMO_MODE=True):
        call_command("seed_demo", "--accounts", "24", stdout=StringIO())
    digests_send_daily()  # notifications on the notifications page
    users = {person.role: User.objects.get(username=person.username) for person in DEMO_LOGINS}
    # An import check with rejected rows, checked in English, on the manager's imports page.
    rows = account_rows(3)
    rows[2][4] = "many"
    with translation.override("en"):
        checked(users["account_manager"], "accounts", rows, django_capture_on_commit_callbacks)
    return users


def test_the_catalogue_check_sees_english():
    """The check is not vacuous: these are msgids, and an English page would fail it."""
    msgids = english_msgids()
    assert {"Accounts", "Sort by", "Name"} <= msgids
    html = (
        "<p>Accounts</p><select><option>- Select an option -</option></select>"
        '<p lang="en"><span>Sort by</span></p><span title="Name">名称</span>'
        '<td translate="no">Region</td>'
    )
    assert english_on(html, msgids) == {"Accounts", "- Select an option -", "Name"}


@pytest.mark.parametrize("role", ["account_manager", "sales_director", "kam_admin"])
def test_no_english_on_chinese_pages(demo_site, role):
    client = Client()
    client.force_login(demo_site[role])
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    pages = crawl(client)
    routes = {route_of(urlsplit(path).path) for path in pages}
    assert len(pages) > 40 and REACHED[role] <= routes, sorted(routes)
    msgids = english_msgids()

    untranslated = {path: english_on(html, msgids) for path, html in pages.items()}

    untranslated = {path: words for path, words in untranslated.items() if words}
    assert not untranslated, f"English on Chinese pages: {untranslated}"
