"""Signing a test client in to the desk the way a browser does: through /desk/login/.

The desk keeps its own session cookie, so Django's ``Client.login`` (which fills the hub's)
does not sign anyone in to the desk.
"""

from __future__ import annotations

from django.test import Client


def desk_client(username: str, password: str) -> Client:
    """A client signed in to the desk with these credentials."""
    client = Client()
    response = client.post("/desk/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()
    return client
