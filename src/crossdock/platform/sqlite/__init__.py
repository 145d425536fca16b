"""The SQLite database backend Crossdock runs on: Django's, with writers queued per process."""
