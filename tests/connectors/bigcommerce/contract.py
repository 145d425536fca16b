"""BigCommerce's OpenAPI specs as validators: a request or an answer against its operation.

The specs (``tests/connectors/specs/bigcommerce-*.yml``, see their PROVENANCE) are read once.
A call is matched by method and path template (``/v2/orders/{order_id}/shipments``); its
request body is checked against the operation's ``requestBody`` schema and its answer
against the schema of the answered status. OpenAPI 3.0's ``nullable`` becomes JSON Schema's
``null`` type; ``$ref`` resolves inside the spec the operation comes from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import yaml

SPECS = Path(__file__).parent.parent / "specs"
FILES = (
    "bigcommerce-orders-v2.yml",
    "bigcommerce-inventory-v3.yml",
    "bigcommerce-catalog-product-variants-v3.yml",
)
#: The connector's calls the staged specs do not describe (documented in PROVENANCE).
UNCOVERED = (
    ("GET", "/v2/store"),
    ("GET", "/v3/catalog/products"),
    ("GET", "/v3/inventory/locations"),
    ("GET", "/v3/orders/{order_id}/metafields"),
    ("POST", "/v3/orders/{order_id}/metafields"),
    ("GET", "/v3/orders/{order_id}/payment_actions/refunds"),
)


class NotInSpec(LookupError):
    """No staged spec describes this call."""


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: ``nullable``/``x-nullable`` add ``null`` to ``type``."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _nullable(value) for key, value in node.items()}
    if converted.get("nullable") is True or converted.get("x-nullable") is True:
        kind = converted.get("type")
        if isinstance(kind, str):
            converted["type"] = [kind, "null"]
        elif "enum" in converted and None not in converted["enum"]:
            converted["enum"] = [*converted["enum"], None]
        elif "type" not in converted:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


@dataclass(frozen=True, slots=True)
class Operation:
    spec: str
    prefix: str
    method: str
    template: str
    pattern: re.Pattern[str]
    document: Mapping[str, Any]


@cache
def _specs() -> dict[str, Mapping[str, Any]]:
    # The C loader when PyYAML has it: the pure-Python one takes seconds on these files.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return {
        name: _nullable(yaml.load((SPECS / name).read_text("utf-8"), Loader=loader))  # noqa: S506 - a safe loader
        for name in FILES
    }


@cache
def _operations() -> tuple[Operation, ...]:
    found = []
    for name, spec in _specs().items():
        prefix = "/" + spec["servers"][0]["url"].rstrip("/").rsplit("/", 1)[-1]
        for template, item in spec["paths"].items():
            pattern = re.compile("^" + prefix + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$")
            for method, operation in item.items():
                if isinstance(operation, dict) and "responses" in operation:
                    found.append(
                        Operation(name, prefix, method.upper(), template, pattern, operation)
                    )
    return tuple(found)


def _resolve(spec: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node and isinstance(node["$ref"], str) and node["$ref"].startswith("#/"):
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def operation(method: str, path: str) -> Operation:
    """The spec operation of a call, by its path after ``/stores/{hash}``."""
    for candidate in _operations():
        if candidate.method == method and candidate.pattern.match(path):
            return candidate
    raise NotInSpec(f"{method} {path}")


def _json_schema(spec: Mapping[str, Any], holder: Mapping[str, Any]) -> Mapping[str, Any] | None:
    content = _resolve(spec, holder).get("content") or {}
    for media in ("application/json", "application/problem+json"):
        if media in content and "schema" in content[media]:
            return dict(content[media]["schema"])
    return None


def validate(spec_name: str, schema: Mapping[str, Any], instance: Any) -> None:
    """``instance`` against ``schema``, its ``$ref``s read in the named spec."""
    # The spec's components ride along, so ``#/components/...`` resolves in place.
    components = _specs()[spec_name].get("components", {})
    jsonschema.Draft7Validator({**schema, "components": components}).validate(instance)


def validate_component(spec_name: str, component: str, instance: Any) -> None:
    validate(spec_name, {"$ref": f"#/components/schemas/{component}"}, instance)


def validate_request(method: str, path: str, body: Any) -> None:
    found = operation(method, path)
    schema = _json_schema(_specs()[found.spec], found.document.get("requestBody") or {})
    assert schema is not None, f"{method} {path} takes no JSON body in the spec"
    validate(found.spec, schema, body)


def validate_answer(method: str, path: str, status: int, body: Any) -> None:
    found = operation(method, path)
    responses = found.document["responses"]
    holder = responses.get(str(status)) or responses.get("default")
    assert holder is not None, f"{method} {path} answers no {status} in the spec"
    schema = _json_schema(_specs()[found.spec], holder)
    if schema is None:
        assert body is None, f"{method} {path} {status} has no body in the spec"
        return
    validate(found.spec, schema, body)


def store_path(request: httpx.Request) -> str:
    """A request's path after ``/stores/{hash}``."""
    return "/" + request.url.path.split("/", 3)[3]


def is_uncovered(method: str, path: str) -> bool:
    return any(
        method == known_method
        and re.match("^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$", path)
        for known_method, template in UNCOVERED
    )
