"""The desk's REST API (django-ninja), mounted at ``/desk/api/v1/``."""
