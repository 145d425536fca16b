"""Text a database can store: the check every untrusted string passes before it is saved.

UTF-8 cannot encode a lone UTF-16 surrogate (JSON's ``"\\ud800"`` decodes to one), and
PostgreSQL refuses a NUL character; either would fail deep inside the database driver.
"""

from __future__ import annotations

#: The message shown next to a field whose text cannot be stored.
NOT_TEXT = "contains a character that is not valid text"


def is_storable_text(value: str) -> bool:
    """Whether ``value`` holds no NUL and no lone surrogate."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
