"""/healthz (liveness: what `docker compose` and the Dockerfile's HEALTHCHECK probe) and /readyz
(readiness: 503 while a dependency is down)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BROKEN_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


def test_it_answers_json_without_signing_in(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"


def test_the_url_names_are_healthz_and_readyz():
    assert reverse("healthz") == "/healthz"
    assert reverse("readyz") == "/readyz"


def test_it_reports_the_broker(client, settings):
    body = client.get("/healthz").json()

    if settings.REDIS_URL:
        # CI and the compose stack run with REDIS_URL pointing at a live Redis.
        assert body["broker"] == "ok"
    else:
        assert body["broker"] == "not configured (tasks run eagerly)"


def test_an_unreachable_broker_keeps_healthz_200_and_says_degraded(client, settings):
    # The web tier still serves with Redis down (sessions in the database, the cache fails open,
    # Celery work waits in the outbox): a liveness probe must not take it out of service.
    settings.REDIS_URL = BROKEN_BROKER

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"].startswith("error: ")
    assert body["database"] == "ok"


def test_readiness_answers_503_degraded_when_the_broker_is_unreachable(client, settings):
    settings.REDIS_URL = BROKEN_BROKER

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"].startswith("error: ")
    assert body["database"] == "ok"


def test_readiness_answers_200_when_everything_answers(client):
    response = client.get("/readyz")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"
    assert "no-store" in response["Cache-Control"]


def test_an_unreachable_cache_is_reported_on_its_own(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "kam.cache.FailOpenRedisCache",
            "LOCATION": BROKEN_BROKER,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

    healthz, readyz = client.get("/healthz"), client.get("/readyz")

    assert healthz.status_code == 200
    assert healthz.json()["cache"].startswith("error: ")
    assert readyz.status_code == 503


def test_it_reports_the_work_waiting_in_the_outbox(client):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import OutboxMessage

    OutboxMessage.objects.create(
        task="scoring.tasks.warm_dashboards", created_at=timezone.now() - timedelta(minutes=5)
    )
    OutboxMessage.objects.create(task="scoring.tasks.warm_dashboards")
    OutboxMessage.objects.create(task="scoring.tasks.warm_dashboards", published_at=timezone.now())

    outbox = client.get("/healthz").json()["outbox"]

    assert outbox["status"] == "ok"
    assert outbox["pending"] == 2
    assert 299 <= outbox["oldest_pending_seconds"] <= 310


def test_the_error_names_the_failure_but_not_the_url(client, settings):
    settings.REDIS_URL = "redis://:s3cret-password@127.0.0.1:1/0"

    body = client.get("/healthz").content.decode()

    assert "s3cret-password" not in body


def test_it_never_requires_a_login_even_for_a_signed_in_user(client, client_for, owner):
    for c in (client, client_for(owner)):
        response = c.get("/healthz")
        assert response.status_code == 200, response.content
        assert "login" not in response.get("Location", "")
        ready = c.get("/readyz")
        assert ready.status_code in (200, 503) and ready["Content-Type"] == "application/json"


def test_it_is_never_cached(client):
    response = client.get("/healthz")

    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "no-cache" in cache_control
    assert "max-age=0" in cache_control


def test_it_answers_plain_http_when_everything_else_redirects_to_https(client, settings):
    # Probes inside the network speak plain HTTP; SECURE_REDIRECT_EXEMPT lets them through.
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code in (200, 503)
    redirected = client.get(reverse("login"))
    assert redirected.status_code == 301
    assert redirected["Location"].startswith("https://")
