"""``crossdock serve``, ``worker``, ``migrate``, ``demo`` and ``manage``."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import typer
from django.core.management import call_command, execute_from_command_line
from django.db import connections

from crossdock.cli.output import JsonOption, console, emit_json
from crossdock.core.display import plural
from crossdock.worker import WorkerThread, run_worker

DEFAULT_HOST = os.environ.get("CROSSDOCK_HOST", "127.0.0.1")
DEFAULT_PORT = int(os.environ.get("CROSSDOCK_PORT", "8000"))


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

    def _start_worker(web_worker: Any) -> None:
        # After the fork: a database handle (SQLite above all) must never cross a fork, so
        # each web process starts its own worker thread on its own connections.
        thread = WorkerThread()
        thread.start()
        web_worker.crossdock_worker = thread

    def _stop_worker(server: Any, web_worker: Any) -> None:
        thread = getattr(web_worker, "crossdock_worker", None)
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
                "errorlog": "-",
                "loglevel": "warning",
            }
            if with_worker:
                options["post_worker_init"] = _start_worker
                options["worker_exit"] = _stop_worker
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    url = f"http://{host}:{port}/"
    console.print(f"Crossdock hub   [bold]{url}[/bold]")
    console.print(f"Shipping desk   [bold]{url}desk/[/bold]")
    login, desk_login = demo_login(), desk_demo_login()
    if login:
        console.print(f"Demo login      {login[0]} / {login[1]}  (hub)")
    if desk_login:
        console.print(f"                {desk_login[0]} / {desk_login[1]}  (desk)")
    if with_worker:
        console.print(
            "Background work runs in "
            + (
                "the web process."
                if workers == 1
                else f"each of the {plural(workers, 'web process', 'web processes')}."
            )
        )
    # Forked web workers must not inherit the parent's database connections.
    connections.close_all()
    _Server().run()


def worker(
    interval: float = typer.Option(1.0, help="Seconds between polls when the queue is empty."),
) -> None:
    """Run a standalone background worker until SIGINT or SIGTERM."""
    stop = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        console.print("worker stopping…")
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    console.print(f"Crossdock worker running (pid {os.getpid()}); Ctrl+C stops it.")
    run_worker(stop, interval=interval)


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
