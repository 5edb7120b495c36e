"""The private survey link's token: a signed {survey, nonce} pair. The signature stops anyone
from naming another survey; the nonce, rotated when the survey is answered or withdrawn, makes an
old link useless; the expiry date lives on the survey (the signature's max_age is a backstop)."""

import datetime as dt

from django.core import signing

SALT = "kam.survey"
# No link is offered for longer than 30 days; a token older than this is refused even if the
# survey's own expiry were somehow later.
MAX_AGE = dt.timedelta(days=31)


def make_token(survey) -> str:
    return signing.dumps({"s": survey.pk, "n": survey.link_nonce}, salt=SALT)


def read_token(token: str) -> tuple[int, str] | None:
    """(survey pk, nonce), or None for anything tampered, truncated, stale or malformed."""
    if not token or len(token) > 200:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    pk, nonce = data.get("s"), data.get("n")
    if not isinstance(pk, int) or isinstance(pk, bool) or not isinstance(nonce, str):
        return None
    if not 0 < pk < 2**63:
        return None
    return pk, nonce
