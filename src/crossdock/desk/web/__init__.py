"""The desk's web UI: server-rendered pages under ``/desk/``."""
