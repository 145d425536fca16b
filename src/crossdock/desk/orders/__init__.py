"""Desk orders: what imports bring in (every detail kept), and the desk's product records."""
