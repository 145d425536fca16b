"""Views of the merchant UI, one module per area: they read via queries, write via services."""
