"""Forms of the merchant UI: they validate input and hand plain values to services."""
