"""Django's SQLite backend with one write transaction at a time per process, queued on a lock.

Every transaction starts with ``BEGIN IMMEDIATE`` (settings), so SQLite lets one writer in
at a time and the others wait in its busy handler, which *sleeps* and polls (a few ms up to
100 ms a try). Measured with 8 threads recording ship notices in one process, that wait
was the whole 99th percentile: ``BEGIN IMMEDIATE`` waited p50 92 ms, p99 5.3 s, for a
notice whose transaction holds the lock a few milliseconds (``docs/performance.md``). The
threads of a process now take a process-wide lock before ``BEGIN`` and hand it on at
``COMMIT`` or ``ROLLBACK``: a waiter wakes the moment the writer is done and uses no CPU
meanwhile, which the writer (sharing the GIL) needs. Writers in other processes still
meet in SQLite's busy handler.

The lock is waited for at most the connection's busy timeout, then the transaction goes
ahead on SQLite's own locking as before, so nothing can wait on it for ever. An in-memory
database (the tests') is one connection's own and takes no lock.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.backends.sqlite3 import base

_WRITER = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_writer = False

    def _start_transaction_under_autocommit(self) -> None:
        if not self.is_in_memory_db():
            timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
            self._holds_writer = _WRITER.acquire(timeout=timeout)
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in the stubs
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self) -> None:
        if self._holds_writer:
            self._holds_writer = False
            _WRITER.release()

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]  # private in the stubs
        finally:
            self._release_writer()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]  # private in the stubs
        finally:
            self._release_writer()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]  # private in the stubs
        finally:
            self._release_writer()
