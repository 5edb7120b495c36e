"""Fixed personas shared by every test: an account's owner and teammate, a manager outside the
team, a sales director and a KAM admin."""

import pytest

from accounts.access import ACCOUNT_MANAGER, KAM_ADMIN, SALES_DIRECTOR
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory
from tests.markup import PageClient

pytest_plugins = ["tests.celery_workers"]


@pytest.fixture(autouse=True)
def _fast_and_english(settings):
    settings.LANGUAGE_CODE = "en"
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Services queue Celery tasks after commit (publishing criteria carries the scores over).
    With REDIS_URL set (CI) they would go to a broker no worker reads, so tests run them in
    process, as `make run` does; tests marked celery_worker bring a real worker instead."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    from kam.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _fresh_dashboard_cache():
    """The dashboard's cache forgets its entries when a change commits, which a test's
    transaction never does: each test starts from a fresh version, so no test reads figures
    another one cached (the cache is Redis in CI, shared by every test)."""
    from scoring.dashboard.cache import replace_version

    replace_version()


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", first_name="Wei", last_name="Zhang", role=ACCOUNT_MANAGER)


@pytest.fixture
def teammate(db):
    return UserFactory(username="teammate", first_name="Na", last_name="Li", role=ACCOUNT_MANAGER)


@pytest.fixture
def outsider(db):
    return UserFactory(
        username="outsider", first_name="Jun", last_name="Wang", role=ACCOUNT_MANAGER
    )


@pytest.fixture
def director(db):
    return UserFactory(username="director", first_name="Min", last_name="Chen", role=SALES_DIRECTOR)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="kamadmin", first_name="Lei", last_name="Zhao", role=KAM_ADMIN)


@pytest.fixture
def account(owner, teammate):
    account = AccountFactory(name="Sinopec Digital", owner=owner)
    TeamMemberFactory(account=account, user=teammate)
    return account


@pytest.fixture
def client_for(db):
    """client_for(user) → a test client signed in as that user (tests/markup.py: the page read apart
    from its layout)."""

    def make(user):
        client = PageClient()
        client.force_login(user)
        return client

    return make
