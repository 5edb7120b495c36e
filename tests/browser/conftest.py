"""Real-browser fixtures: one headless system Chromium per session, a fresh context per test.

Every page a test opens is watched: a Content-Security-Policy violation, an uncaught script
error or a failed sub-resource (stylesheet, script, font, htmx request) fails the test.
"""

import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.factories import PASSWORD

CHROMIUM = Path(os.environ.get("KAM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000

# Init scripts run through the DevTools protocol, outside the page's CSP, so this reporter itself
# is never blocked. Chromium also logs its own console message; both are caught.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "Content Security Policy violation: " + event.violatedDirective +
    " blocked " + (event.blockedURI || "inline code") +
    " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""

expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class BrowserProblems:
    """What went wrong in the browser, with the page it happened on."""

    found: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda error: self.found.append(f"{page.url}: script error: {error}"))
        page.on("response", lambda response: self._response(page, response))
        page.on("requestfailed", lambda request: self._failed(page, request))

    def _console(self, page, msg) -> None:
        if msg.type == "error" and "Content Security Policy" in msg.text:
            self.found.append(f"{page.url}: {msg.text}")

    def _response(self, page, response) -> None:
        # Documents may answer 403/404 on purpose; what a page loads must not fail.
        if response.request.resource_type != "document" and response.status >= 400:
            self.found.append(f"{page.url}: {response.status} for {response.url}")

    def _failed(self, page, request) -> None:
        # ERR_ABORTED: a load cut short by navigating on (or closing the page), not an error.
        if request.resource_type != "document" and "ERR_ABORTED" not in (request.failure or ""):
            self.found.append(f"{page.url}: request failed: {request.url} ({request.failure})")

    def assert_none(self, found: list[str] | None = None) -> None:
        problems = list(dict.fromkeys(self.found if found is None else found))
        assert not problems, "The browser reported problems:\n" + "\n".join(problems)


# Module scope: Playwright's sync API keeps an asyncio event loop running in the test thread for
# as long as the browser is open, and Django's ORM refuses to run beside one unless
# DJANGO_ALLOW_ASYNC_UNSAFE is set. Both end with the module, so other tests keep Django's guard.
@pytest.fixture(scope="module")
def browser() -> Browser:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: install it with `apt-get install chromium`"
        if os.environ.get("KAM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KAM_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser_problems() -> BrowserProblems:
    return BrowserProblems()


@pytest.fixture
def new_page(browser, live_server, browser_problems):
    """new_page() → a page in a fresh browser context (no cookies), on the live server."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_REPORTER)
        contexts.append(context)
        page = context.new_page()
        browser_problems.watch(page)
        return page

    yield make
    found = list(browser_problems.found)  # before closing: closing cancels pending requests
    for context in contexts:
        context.close()
    browser_problems.assert_none(found)


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


# axe-core from npm (package.json's devDependencies; never served to users), loaded into each page
# the test checks.
AXE = (Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js").read_text()


def axe_violations(page: Page, impacts: Collection[str] | None = None) -> list[str]:
    """axe-core's violations on the page as it is now, one line each (empty: none), each starting
    with the rule's id. `impacts` keeps only those of these impacts ("minor", "moderate",
    "serious", "critical"); by default every violation counts."""
    page.evaluate(AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert result["testEngine"]["name"] == "axe-core" and result["passes"]  # it did check
    return [
        f"{v['id']}: {v['help']} ({v['impact']}) at "
        f"{', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in result["violations"]
        if impacts is None or v["impact"] in impacts
    ]


def log_in(page: Page, user, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait to land on the home page."""
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    expect(page.locator("[data-testid=user-menu]")).to_contain_text(str(user))


def log_out(page: Page) -> None:
    """Sign out with the navbar's user menu, whatever language the page is in."""
    page.locator("[data-testid=user-menu]").click()
    page.locator("form[action='/logout/'] button").click()
    expect(page).to_have_url(re.compile(r"/login/"))
