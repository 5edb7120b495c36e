"""Logs without the secrets that some of KAM's URLs carry: gunicorn's access and error logs
(gunicorn.conf.py's `logger_class`) and the site's own console log (settings.LOGGING).

A stakeholder's survey link `/s/<token>/` and a user's calendar feed `/calendar/<token>.ics` work
without signing in: whoever holds the URL can answer the survey or read the user's visits. gunicorn
would write them whole into the access log (the request line, and the Referer of every file a survey
page loads), and Django names the path of a request that failed ("Not Found: /calendar/…"). Every
line is masked before it is written, whatever the format: the token becomes `***`, in a path, a full
URL or a percent-encoded query value (`?next=%2Fs%2F…`). tests/kam/test_gunicorn.py checks the
patterns against the URLs Django reverses, so moving one of those routes fails a test rather than
leaking it.
"""

import logging
import re

from gunicorn.glogging import Logger

MASK = "***"
_SEPARATOR = r"(?:/|%2[Ff])"
# Up to the next separator (raw or percent-encoded), query, fragment, parameter or quote.
_TOKEN = r"(?:(?!%2[Ff])[^/?#&\s\"])+"
SECRET_URL_PATTERNS = (
    # scoring/surveys/urls.py, mounted at /s/ by scoring/urls.py.
    re.compile(rf"({_SEPARATOR}s{_SEPARATOR}){_TOKEN}"),
    # planning/week/urls.py, mounted at the root by planning/my_urls.py.
    re.compile(rf"({_SEPARATOR}calendar{_SEPARATOR}){_TOKEN}?(?=\.ics)"),
)


def mask_secret_urls(text: str) -> str:
    for pattern in SECRET_URL_PATTERNS:
        text = pattern.sub(rf"\g<1>{MASK}", text)
    return text


class MaskSecretURLs(logging.Filter):
    """Rewrites a record's message with the tokens masked (and so formatted once, here)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secret_urls(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class MaskingLogger(Logger):
    """gunicorn's logger, its access and error logs filtered through MaskSecretURLs."""

    def setup(self, cfg):
        super().setup(cfg)
        # setup() runs again on a configuration reload (SIGHUP): one filter each, not one a reload.
        for log in (self.access_log, self.error_log):
            if not any(isinstance(existing, MaskSecretURLs) for existing in log.filters):
                log.addFilter(MaskSecretURLs())
