"""``crossdock serve``, ``worker``, ``migrate``, ``demo`` and ``manage``."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterable
from typing import Any

import typer
from django.conf import settings
from django.core.management import call_command, execute_from_command_line
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from crossdock.cli.output import JsonOption, console, emit_json, fail
from crossdock.config import sqlite_file
from crossdock.core.display import plural
from crossdock.platform.startup import settle_after_start_up
from crossdock.worker import WorkerThread, lane_threads, run_worker

DEFAULT_HOST = os.environ.get("CROSSDOCK_HOST", "127.0.0.1")
DEFAULT_PORT = int(os.environ.get("CROSSDOCK_PORT", "8000"))

#: gunicorn reads and drops at most this much of a body the application left unread before
#: it reuses a keep-alive connection; past it, it closes the connection after an answer that
#: said ``Connection: keep-alive``, and the client's next request on it fails.
GUNICORN_DRAIN_BYTES = 64 * 1024
#: gunicorn's own access log stays off: Crossdock logs one access line per request itself
#: (``crossdock.access``, with the request id, in the chosen log format). Were it turned on,
#: this format names the path without its query, which may carry ``SS-Password``.
GUNICORN_ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %({x-request-id}o)s'
CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _body_left_unread(environ: dict[str, Any], status: int) -> bool:
    """Whether an answer refused a body too large for gunicorn to drain before reuse."""
    if status == 413:
        return True
    declared = str(environ.get("CONTENT_LENGTH") or "")
    chunked = "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
    too_long = declared.isdigit() and int(declared) > GUNICORN_DRAIN_BYTES
    return status >= 400 and (too_long or chunked)


def close_after_refused_body(app: WsgiApp) -> WsgiApp:
    """Wrap ``app`` so an answer refusing a large body closes the connection openly.

    gunicorn ignores a ``Connection`` header set by the application, so the wrapper asks
    gunicorn's response object (the ``start_response`` it passes) to close: the answer then
    says ``Connection: close`` and the client opens a new connection for its next request
    instead of losing it on a socket closed behind its back.
    """

    def wrapped(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            code = int(status.split(" ", 1)[0])
            force_close = getattr(getattr(start_response, "__self__", None), "force_close", None)
            if callable(force_close) and _body_left_unread(environ, code):
                force_close()
            return start_response(status, headers, *exc_info)

        return app(environ, start)

    return wrapped


def email_notice() -> str | None:
    """One line saying where e-mail goes when it is only printed (development)."""
    if settings.EMAIL_BACKEND != CONSOLE_EMAIL_BACKEND:
        return None
    return (
        "E-mails are printed here, not sent: set CROSSDOCK_EMAIL_BACKEND and "
        "CROSSDOCK_EMAIL_HOST (see docs/configuration.md) to send them over SMTP."
    )


def _database_name() -> str:
    sqlite = sqlite_file()
    return str(sqlite) if sqlite is not None else "DATABASE_URL"


def database_problem() -> str | None:
    """One line saying why the database cannot serve commands yet, or ``None`` when it can."""
    try:
        connection = connections["default"]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"Cannot open the Crossdock database at {_database_name()}: {reason}"
    finally:
        connections.close_all()
    if pending:
        return (
            f"The Crossdock database at {_database_name()} is not migrated "
            "(run `crossdock migrate` first)."
        )
    return None


def serve(
    host: str = typer.Option(DEFAULT_HOST, help="Address to listen on (CROSSDOCK_HOST)."),
    port: int = typer.Option(DEFAULT_PORT, help="Port to listen on (CROSSDOCK_PORT)."),
    workers: int = typer.Option(2, help="Web worker processes."),
    threads: int = typer.Option(8, help="Threads per web worker."),
    with_worker: bool = typer.Option(
        True,
        "--with-worker/--no-worker",
        help="Run a background worker thread in each web process.",
    ),
) -> None:
    """Serve the hub, the desk and the sandbox with gunicorn (and an in-process worker)."""
    from gunicorn.app.base import BaseApplication

    from crossdock.demo import demo_login, desk_demo_login
    from crossdock.wsgi import application

    def _after_fork(web_worker: Any) -> None:
        # Each web process freezes what its own start-up added to the parent's (frozen) heap.
        settle_after_start_up()
        if with_worker:
            _start_worker(web_worker)

    def _start_worker(web_worker: Any) -> None:
        # After the fork: a database handle (SQLite above all) must never cross a fork, so
        # each web process starts its own worker threads (one per lane) on its own connections.
        threads = lane_threads()
        for thread in threads:
            thread.start()
        web_worker.crossdock_workers = threads

    def _stop_worker(server: Any, web_worker: Any) -> None:
        for thread in getattr(web_worker, "crossdock_workers", []):
            if isinstance(thread, WorkerThread):
                thread.stop()

    class _Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": 60,
                "graceful_timeout": 10,
                "accesslog": None,
                "access_log_format": GUNICORN_ACCESS_LOG_FORMAT,
                "errorlog": "-",
                "loglevel": "warning",
                "post_worker_init": _after_fork,
            }
            if with_worker:
                options["worker_exit"] = _stop_worker
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return close_after_refused_body(application)

    url = f"http://{host}:{port}/"
    console.print(f"Crossdock hub   [bold]{url}[/bold]")
    console.print(f"Shipping desk   [bold]{url}desk/[/bold]")
    login, desk_login = demo_login(), desk_demo_login()
    if login:
        console.print(f"Demo login      {login[0]} / {login[1]}  (hub)")
    if desk_login:
        console.print(f"                {desk_login[0]} / {desk_login[1]}  (desk)")
    notice = email_notice()
    if notice:
        console.print(notice, highlight=False)
    if with_worker:
        console.print(
            "Background work runs in "
            + (
                "the web process"
                if workers == 1
                else f"each of the {plural(workers, 'web process', 'web processes')}"
            )
            + ", one thread per lane."
        )
    # Forked web workers must not inherit the parent's database connections.
    connections.close_all()
    # The application is loaded: frozen before the fork, it is shared by every web process.
    settle_after_start_up()
    _Server().run()


def worker(
    interval: float = typer.Option(1.0, help="Seconds between polls when the queue is empty."),
    queue: list[str] = typer.Option(  # noqa: B008 - typer declares options as defaults
        [],
        "--queue",
        help="Claim only from this queue (repeat it); default: every lane in its own thread.",
    ),
) -> None:
    """Run a standalone background worker until SIGINT or SIGTERM."""
    stop = threading.Event()
    known = set(settings.TASKS["default"]["QUEUES"])
    unknown = [name for name in queue if name not in known]
    if unknown:
        raise fail(f"--queue {unknown[0]!r} is not a queue; choose from {', '.join(sorted(known))}")

    def _stop(signum: int, frame: object) -> None:
        console.print("worker stopping…")
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    console.print(f"Crossdock worker running (pid {os.getpid()}); Ctrl+C stops it.")
    settle_after_start_up()
    if queue:
        run_worker(stop, interval=interval, queues=queue)
        return
    threads = lane_threads(interval)
    for thread in threads:
        thread.start()
    while not stop.wait(1.0):
        pass
    for thread in threads:
        thread.stop()
    for thread in threads:
        thread.join()


def migrate() -> None:
    """Create or update the database schema."""
    call_command("migrate", interactive=False, verbosity=1)


def demo(
    first_start: bool = typer.Option(
        False, "--first-start", help="Load only when the database holds no account yet."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Load the demo merchant, its orders, channels and desk store."""
    from crossdock.demo import load_demo

    result = load_demo(only_if_empty=first_start)
    if as_json:
        emit_json(result)
    elif result["loaded"]:
        console.print(f"Demo loaded: hub login {result['email']} / {result['password']}")
        console.print(f"             desk login {result['desk_email']} / {result['desk_password']}")
    else:
        console.print("Demo data already present; nothing loaded.")


def manage(ctx: typer.Context) -> None:
    """Run a Django management command (e.g. ``crossdock manage makemigrations``)."""
    execute_from_command_line(["crossdock manage", *ctx.args])
