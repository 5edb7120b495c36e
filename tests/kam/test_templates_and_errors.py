import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.views.defaults import server_error

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 10


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.name))
def test_templates_have_no_inline_style_or_script(path):
    """The Content-Security-Policy forbids inline styles and scripts without a nonce."""
    source = path.read_text()
    assert not re.search(r"\sstyle\s*=", source), f"{path}: inline style attribute"
    assert "<style" not in source, f"{path}: <style> element"
    for tag in re.findall(r"<script\b[^>]*>", source):
        assert "src=" in tag and "nonce=" in tag, f"{path}: {tag}"
    assert not re.search(r"\son[a-z]+\s*=", source), f"{path}: inline event handler"


def test_the_500_page_is_in_the_sites_style(rf: RequestFactory):
    response = server_error(rf.get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "kam-navbar" in body and "Something went wrong on our side" in body


@pytest.mark.django_db
def test_the_404_page_is_in_the_sites_style(client_for, owner):
    response = client_for(owner).get("/no-such-page/")
    assert response.status_code == 404
    assert (
        b"We can&#x27;t find that page" in response.content or b"find that page" in response.content
    )
    assert b"kam-navbar" in response.content
