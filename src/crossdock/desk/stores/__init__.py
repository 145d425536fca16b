"""Desk stores: connections to Custom Store URLs, their settings and their imports."""
