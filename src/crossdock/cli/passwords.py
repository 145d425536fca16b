"""Reading a new login's password without it landing in shell history or ``ps``.

``--password-stdin`` reads one line from standard input; with neither it nor ``--password``
an interactive terminal is asked twice with the typing hidden. ``--password`` still works
for scripts that already use it. The rules themselves are the services' (one home:
``crossdock.platform.passwords``).
"""

from __future__ import annotations

import sys

import typer

from crossdock.cli.output import fail

PasswordStdinOption = typer.Option(
    False, "--password-stdin", help="Read the password from the first line of standard input."
)


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def read_password(given: str | None, from_stdin: bool, *, new: bool = True, code: int = 1) -> str:
    """The password from ``--password``, ``--password-stdin`` or a hidden prompt.

    A ``new`` password is typed twice at the prompt; an existing one (a store's) once.
    ``code`` is the exit code of a missing or doubly given password.
    """
    if given is not None and from_stdin:
        raise fail("give --password or --password-stdin, not both", code)
    if given is not None:
        return given
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise fail("--password-stdin read an empty line", code)
        return password
    if not _stdin_is_terminal():
        raise fail(
            "no password: give --password-stdin (or --password) when not at a terminal", code
        )
    prompted: str = typer.prompt("Password", hide_input=True, confirmation_prompt=new)
    return prompted
