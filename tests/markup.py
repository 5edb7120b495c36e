"""A test client that reads each HTML tag of a page as one line, as a browser does.

djLint (`make format`) writes a long tag one attribute a line. The whitespace between attributes
means nothing to a browser, but a test that looks for `'name="x" value="y"'` in the page would
depend on where the template breaks the tag, and a `not in` check would pass for the wrong reason.
This client folds the whitespace inside every tag of an HTML response to single spaces, so the
tests read the markup and not its layout. Text between tags is left exactly as rendered.
"""

import re

from django.test import Client

_TAG = re.compile(r"<[^<>]+>")
_SPACE = re.compile(r"\s+")


def tags_on_one_line(html: str) -> str:
    return _TAG.sub(lambda tag: _SPACE.sub(" ", tag.group()), html)


class PageClient(Client):
    def request(self, **request):
        response = super().request(**request)
        if not response.streaming and response.get("Content-Type", "").startswith("text/html"):
            charset = response.charset or "utf-8"
            response.content = tags_on_one_line(response.content.decode(charset)).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
