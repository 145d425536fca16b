"""One redaction for every text that leaves a call to a remote system (pure).

Whatever is stored, logged, shown or mailed about an outbound call goes through
:func:`redact` first: every URL in it loses its userinfo and query (the Custom Store
protocol puts ``SS-Password`` in the query, and a store answering with a redirect or an
error page echoes it back), credential-looking ``name=value`` pairs and ``Authorization``
values are masked, every known secret and any fragment of it (4 characters or more, as
typed or URL-encoded) is masked, and the text is cut to a bounded length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

#: What a masked value is replaced by.
MASK = "***"
#: The longest text a caller keeps by default (an error line, a summary).
DEFAULT_LIMIT = 500
#: A secret's fragments this long or longer are masked (shorter ones are too common to hide).
FRAGMENT = 4

_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s'\"<>`]+")
#: ``SS-Password=…``, ``password: …``, ``token=…`` and the like, in a query or in prose.
_CREDENTIAL_PAIR = re.compile(
    r"(?i)\b((?:ss-)?(?:password|passwd|pwd|pass|username|user|secret|token|api[_-]?key|"
    r"access[_-]?key|auth|signature|key)(?:%3D|=|:\s*))([^\s&'\"<>]+)"
)
_AUTHORIZATION = re.compile(r"(?i)\b(basic|bearer|digest|token)\s+[A-Za-z0-9+/=._~\-]{6,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def redact_url(url: str) -> str:
    """``scheme://host[:port]/path``: userinfo, query and fragment dropped."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return MASK
    if not parts.scheme or not host:
        # Not an absolute URL: keep only what precedes a query, if anything.
        return url.split("?", 1)[0].split("#", 1)[0]
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _fragments(secret: str) -> set[str]:
    grams: set[str] = set()
    for form in {secret, quote(secret, safe=""), quote_plus(secret), quote(secret)}:
        if len(form) < FRAGMENT:
            grams.add(form)
            continue
        grams.update(form[i : i + FRAGMENT] for i in range(len(form) - FRAGMENT + 1))
    grams.discard("")
    return grams


def _mask_secrets(text: str, secrets: Iterable[str]) -> str:
    grams: set[str] = set()
    for secret in secrets:
        if secret:
            grams |= _fragments(secret)
    if not grams:
        return text
    hidden = [False] * len(text)
    for size in sorted({len(gram) for gram in grams}):
        for start in range(len(text) - size + 1):
            if text[start : start + size] in grams:
                for index in range(start, start + size):
                    hidden[index] = True
    # A run of hidden characters becomes one mask.
    out: list[str] = []
    index = 0
    while index < len(text):
        if hidden[index]:
            while index < len(text) and hidden[index]:
                index += 1
            out.append(MASK)
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def redact(text: str, *, secrets: Iterable[str] = (), limit: int = DEFAULT_LIMIT) -> str:
    """``text`` safe to store, log, show or mail: no URL query, no credential, bounded."""
    cleaned = _CONTROL.sub(" ", text)
    cleaned = _URL.sub(lambda match: redact_url(match.group(0)), cleaned)
    cleaned = _CREDENTIAL_PAIR.sub(lambda match: match.group(1) + MASK, cleaned)
    cleaned = _AUTHORIZATION.sub(lambda match: f"{match.group(1)} {MASK}", cleaned)
    cleaned = _mask_secrets(cleaned, secrets)
    if len(cleaned) > limit:
        cleaned = cleaned[: max(limit - 1, 0)].rstrip() + "…"
    return cleaned
