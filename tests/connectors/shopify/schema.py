"""Shopify's published Admin GraphQL schema (2025-01), loaded once for fakes and contract tests.

The introspection file lives beside the tests (``tests/connectors/specs``, see its
PROVENANCE note). Shopify's own introspection breaks two of graphql-core's schema rules
(deprecated implementations of undeprecated interface fields), so it is loaded as
``assume_valid``: documents are still validated against it in full.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

from graphql import GraphQLSchema, build_client_schema, parse, validate

SPEC = (
    Path(__file__).resolve().parent.parent
    / "specs"
    / "shopify-admin-graphql-2025-01.introspection.json.gz"
)


@cache
def admin_schema() -> GraphQLSchema:
    with gzip.open(SPEC, "rt", encoding="utf-8") as handle:
        introspection: dict[str, Any] = json.load(handle)
    return build_client_schema(introspection["data"], assume_valid=True)


def document_errors(document: str) -> list[str]:
    """Why ``document`` is not a valid operation on the Admin schema (empty: it is)."""
    return [error.message for error in validate(admin_schema(), parse(document))]
