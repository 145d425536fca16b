"""``crossdock serve``, ``worker``, ``migrate``, ``demo`` and ``manage``."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import typer
from django.conf import settings
from django.core.management import call_command, execute_from_command_line
from django.db import connections

from crossdock.cli.output import JsonOption, console, emit_json, fail
from crossdock.worker import WorkerThread, lane_threads, run_worker

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
            f"Background work runs in each of the {workers} web processes, one thread per lane."
        )
    # Forked web workers must not inherit the parent's database connections.
    connections.close_all()
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
