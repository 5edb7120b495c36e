"""Strings that third-party packages show on our pages but whose own catalogues have no Simplified
Chinese for: marked here so `makemessages` puts them in our catalogue, which Django reads first.
tests/kam/test_chinese_pages.py fails on any of them left in English on a Chinese page."""

from django.utils.translation import gettext_noop

THIRD_PARTY_MESSAGES = (
    gettext_noop("- Select an option -"),  # Django 6.1's blank choice (BLANK_CHOICE_LABEL)
)
