"""The one base of every REST request body of the hub's and the desk's APIs.

django-ninja's ``Schema`` reads its fields from any object (it wraps the input in a getter
of attributes), so a body of ``[]``, ``"text"``, ``0`` or ``null`` validated as an object
with every field left out: a PATCH answered 200 having changed nothing, a create used its
defaults. A body schema derived from :class:`InSchema` is a JSON object or a 422 naming the
body, and its text fields hold only storable text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from crossdock.core.text import NOT_TEXT, is_storable_text

NOT_AN_OBJECT = "must be a JSON object"

#: The largest id or offset a client may send: both databases keep them in 64 bits, and a
#: larger number must be a 422 naming the field, never an overflow in the database driver.
MAX_ROW_ID = 2**63 - 1
#: A row's id as a client sends it in a body or a query.
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
#: How many rows of a list to skip.
Offset = Annotated[int, Field(ge=0, le=MAX_ROW_ID)]


class DictSchema(Schema):
    """A schema that reads a dict (a JSON object, nested ones too) as it is.

    ninja wraps every input in a getter that pydantic reads attribute by attribute in
    Python (for ORM objects and ``resolve_*`` methods); a dict, which pydantic reads
    natively, gives the same fields and the same errors without it; so does an instance
    of the schema. The getter was most
    of a bulk call's validation (profile of 500 orders: 2.6 s of 4.4 s validating, two
    thirds of it the getter) and again of its answer. A schema with ``resolve_*`` methods
    must not derive from this one.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        # ninja's own validator has this name: this one replaces it. An instance of the
        # schema itself (an answer a view built) was validated when it was made.
        if isinstance(values, dict | cls):
            return handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class InSchema(DictSchema):
    """A request body (or a part of one): a JSON object whose texts are storable."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        # Replaces DictSchema's (one Python call a part, not two: a bulk call validates
        # 5,500 of them): a dict as it is, any other object refused unless it is a mapping
        # or a schema, read through ninja's getter.
        if isinstance(values, dict | cls):
            return handler(values)
        if not isinstance(values, Mapping | Schema):
            raise PydanticCustomError("object_type", NOT_AN_OBJECT)
        return handler(DjangoGetter(values, cls, info.context))

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        if isinstance(value, str) and not is_storable_text(value):
            # A custom error keeps the message exact (no "Value error, " prefix).
            raise PydanticCustomError("invalid_text", NOT_TEXT)
        return value
