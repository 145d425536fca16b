"""Plain benchmark modules: each ``bench_*.py`` defines ``run()`` and prints its figures.

``make bench`` runs them after the scenarios of :mod:`crossdock.bench` (``crossdock bench
--plain-dir bench``), in the same fresh data folder, and keeps what they print in
``docs/performance.md``. See :mod:`crossdock.bench` for the scenario interface.
"""
