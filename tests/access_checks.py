"""Reusable proofs of the access rules (DESIGN.md §3), for every object URL of every issue.

assert_hidden_from(client, urls)          every GET and POST answers 404
assert_refused(client, urls, unchanged)   every POST answers 403 and changes nothing
assert_field_error(client, url, data, field, unchanged)
                                          bad input: the form comes back with the error next to
                                          the field, and nothing changed
"""

from collections.abc import Callable, Iterable


def assert_hidden_from(client, urls: Iterable[str]) -> None:
    """A user outside the account team must not learn the object exists: 404, never 403."""
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, f"{method.upper()} {url} → {response.status_code}"


def assert_refused(
    client, posts: dict[str, dict], unchanged: Callable[[], object] | None = None
) -> None:
    """A user who may see but not change: each POST answers 403 and the snapshot is unchanged."""
    before = unchanged() if unchanged else None
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code == 403, f"POST {url} → {response.status_code}"
    if unchanged:
        assert unchanged() == before, "a refused request changed data"


def url_names(namespace: str) -> set[str]:
    """Every route name of an app namespace, so tests can prove each one is covered."""
    from django.urls import get_resolver

    resolver = get_resolver()
    app_resolver = resolver.namespace_dict[namespace][1]
    return {f"{namespace}:{name}" for name in app_resolver.reverse_dict if isinstance(name, str)}


def assert_field_error(client, url, data, field, unchanged: Callable[[], object], snippet=None):
    """Bad input: the form is shown again with an error on `field`, rendered next to the input
    (crispy ties it to the input by id), and the `unchanged` snapshot did not move."""
    before = unchanged()
    response = client.post(url, data)
    assert response.status_code == 200, "an invalid form is shown again, not saved or crashed"
    form = response.context["form"]
    assert field in form.errors, f"expected an error on {field}, got {form.errors.as_json()}"
    if snippet:
        assert any(snippet in message for message in form.errors[field]), form.errors[field]
    html = response.content.decode()
    assert f'id="error_1_id_{field}"' in html or f'id="id_{field}_error"' in html
    assert unchanged() == before, "a refused form changed data"
    return response
