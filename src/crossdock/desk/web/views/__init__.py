"""Desk UI views: thin, they read through queries and write through services."""
