"""Desk accounts: the shipping desk's own tenants, their users and API tokens."""
