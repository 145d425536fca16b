"""The Shopify connector (Admin GraphQL API): see ``docs/channels/shopify.md``."""
