"""Operations: health and readiness probes, Prometheus metrics, database backups.

Everything here reads across accounts (counts, ages, states) and says nothing about any one
merchant. The probes and the metrics are answered by :mod:`crossdock.ops.middleware` before
sessions, CSRF, host checks and the page policy run, so a load balancer's probe is cheap and
leaves no noise.
"""
