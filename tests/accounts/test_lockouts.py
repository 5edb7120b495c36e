"""Sign-in lockout behind a reverse proxy (README "Sign-in lockout"): the client address comes
from X-Forwarded-For only as far as KAM_TRUSTED_PROXIES says; five wrong passwords lock a
username from one address only; thirty failures from one address block that address for
everyone; a KAM admin sees and lifts both. Real requests through Django's test client, real
axes records in PostgreSQL."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from accounts.lockouts.client_address import client_address
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the TLS proxy: every request reaches KAM from here
A = "203.0.113.7"
B = "198.51.100.20"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.KAM_TRUSTED_PROXIES = 1
    settings.AXES_FAILURE_LIMIT = 5
    settings.KAM_LOGIN_ADDRESS_FAILURE_LIMIT = 30


@pytest.fixture
def user(db):
    return UserFactory(username="u")


def sign_in(username, password, *, through=None, remote=PROXY):
    """One POST to the login page from `through` (as the proxy reports it); a fresh client each
    time, as an attacker or a second device would be."""
    headers = {"REMOTE_ADDR": remote}
    if through is not None:
        headers["HTTP_X_FORWARDED_FOR"] = through
    return Client().post(reverse("login"), {"username": username, "password": password}, **headers)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def fail(username, times, *, through):
    for _ in range(times):
        sign_in(username, "wrong password", through=through)


def test_five_wrong_passwords_from_a_do_not_stop_u_signing_in_from_b(user):
    fail("u", 5, through=A)

    assert signed_in(sign_in("u", PASSWORD, through=B))


def test_five_wrong_passwords_from_a_lock_u_out_from_a_and_say_why(user):
    fail("u", 4, through=A)
    assert signed_in(sign_in("u", PASSWORD, through=A)), "four failures do not lock"
    fail("u", 5, through=A)

    refused = sign_in("u", PASSWORD, through=A)

    assert refused.status_code == 429
    html = refused.content.decode()
    assert 'data-reason="user"' in html
    assert "Sign-in from other places still works" in html
    # The lock is on u from A, not on A: another user signs in from A.
    UserFactory(username="v")
    assert signed_in(sign_in("v", PASSWORD, through=A))


def test_thirty_failures_from_a_block_a_for_everyone_but_not_b(user):
    for n in range(30):
        sign_in(f"guess{n % 10}", "wrong", through=A)  # ten usernames, three tries each

    refused = sign_in("u", PASSWORD, through=A)

    assert refused.status_code == 429
    assert 'data-reason="address"' in refused.content.decode()
    assert "paused for everyone" in refused.content.decode()
    assert signed_in(sign_in("u", PASSWORD, through=B))


def test_twenty_nine_failures_from_an_address_do_not_block_it(user):
    for n in range(29):
        sign_in(f"guess{n}", "wrong", through=A)

    assert signed_in(sign_in("u", PASSWORD, through=A))


def test_without_a_trusted_proxy_a_spoofed_forwarded_for_is_ignored(settings, user):
    settings.KAM_TRUSTED_PROXIES = 0
    # The attacker sends five wrong passwords claiming to be B each time, from A.
    for _ in range(5):
        sign_in("u", "wrong", through=B, remote=A)

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {A}
    assert sign_in("u", PASSWORD, through=B, remote=A).status_code == 429
    assert signed_in(sign_in("u", PASSWORD, remote=B))


def test_the_admin_lifts_us_lock_and_u_signs_in_from_a(client_for, admin_user, user):
    fail("u", 5, through=A)
    assert sign_in("u", PASSWORD, through=A).status_code == 429
    admin = client_for(admin_user)

    page = admin.get(reverse("accounts:lockouts"), {"username": "u"})
    assert page.status_code == 200
    (lock,) = page.context["user_locks"]
    assert (lock.ip_address, lock.failures, lock.locked) == (A, 6, True)
    assert lock.until > lock.last_failure

    lifted = admin.post(reverse("accounts:lockout_lift"), {"username": "u"}, follow=True)

    assert "Sign-in is open again for u." in lifted.content.decode()
    assert lifted.context["user_locks"] == []
    assert signed_in(sign_in("u", PASSWORD, through=A))


def test_the_admin_sees_and_unblocks_a_blocked_address(client_for, admin_user, user):
    for n in range(30):
        sign_in(f"guess{n % 6}", "wrong", through=A)
    fail("u", 2, through=B)
    admin = client_for(admin_user)

    (blocked,) = admin.get(reverse("accounts:lockouts")).context["blocked"]
    assert (blocked.ip_address, blocked.failures, blocked.usernames) == (A, 30, 6)

    response = admin.post(reverse("accounts:lockout_unblock"), {"ip_address": A}, follow=True)

    assert f"Sign-in from {A} is open again." in response.content.decode()
    assert response.context["blocked"] == []
    assert signed_in(sign_in("u", PASSWORD, through=A))
    assert AccessAttempt.objects.filter(ip_address=B).exists(), "other addresses keep theirs"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.20", PROXY),  # no proxy trusted: the header is the client's word
        (1, "198.51.100.20", "198.51.100.20"),
        (1, "1.1.1.1, 198.51.100.20", "198.51.100.20"),  # the left part is client-written
        (2, "198.51.100.20, 10.0.0.9", "198.51.100.20"),
        (2, "198.51.100.20", PROXY),  # shorter than the proxy chain: not through every proxy
        (1, "", PROXY),
        (1, None, PROXY),
        (1, "not-an-address", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_read_from_the_trusted_hops_only(
    rf, settings, proxies, forwarded, expected
):
    settings.KAM_TRUSTED_PROXIES = proxies
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(rf.get("/", **headers)) == expected
