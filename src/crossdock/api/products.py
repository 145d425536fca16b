"""``/api/v1/products``: the catalog (products and kit recipes), its CSV import and export.

``POST /products/import`` takes a CSV file (multipart ``file``), checks every row and
applies all of them or none: a file with problems answers 422 with each problem at
``["body", "body", "row N", column]``, and nothing is changed.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from crossdock.api.auth import caller
from crossdock.core.catalog_csv import CsvKind, sniff_kind
from crossdock.hub.catalog import queries, services
from crossdock.hub.catalog.errors import CatalogInvalid
from crossdock.hub.catalog.exports import export
from crossdock.hub.catalog.imports import check_import, import_file
from crossdock.hub.catalog.models import Product
from crossdock.platform.api_schemas import InSchema, Offset

router = Router(tags=["products"])

#: Largest CSV file the import takes (about a million rows of products).
MAX_UPLOAD_BYTES = 100 * 1024 * 1024


class ComponentOut(Schema):
    sku: str
    quantity: int


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    is_kit: bool
    barcode: str
    weight_value: Decimal | None
    weight_unit: str
    length: Decimal | None
    width: Decimal | None
    height: Decimal | None
    dimension_unit: str
    bin_location: str
    cost: Decimal | None
    image_url: str
    tags: list[str]
    low_stock_threshold: int | None
    on_hand: int
    reserved: int
    components: list[ComponentOut]
    updated_at: datetime


class ProductFields(InSchema):
    barcode: str | None = Field(default=None, max_length=64)
    weight_value: Decimal | None = None
    weight_unit: str | None = Field(default=None, max_length=2)
    length: Decimal | None = None
    width: Decimal | None = None
    height: Decimal | None = None
    dimension_unit: str | None = Field(default=None, max_length=2)
    bin_location: str | None = Field(default=None, max_length=100)
    cost: Decimal | None = None
    image_url: str | None = Field(default=None, max_length=500)
    tags: list[str] | None = None
    low_stock_threshold: int | None = None


class ProductIn(ProductFields):
    sku: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=200)


class ProductPatch(ProductFields):
    name: str | None = Field(default=None, min_length=1, max_length=200)


class RecipeIn(InSchema):
    components: dict[str, int] = Field(
        description="Component SKU → units per kit; empty makes the product a plain one again"
    )


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    kind: str
    rows: int
    applied: bool
    created: int
    updated: int
    #: Rows of a products file already as the file says (nothing written for them).
    unchanged: int = 0
    errors: list[RowErrorOut]


class ProductFilter(Schema):
    search: str = Field(default="", max_length=100, description="Part of a SKU, name or barcode")
    low_stock: bool = False
    limit: int = Field(default=100, ge=1, le=500)
    offset: Offset = 0


#: Product fields stored as text: ``null`` in a request clears them.
TEXT_FIELDS = ("barcode", "weight_unit", "dimension_unit", "bin_location", "image_url")


def product_out(product: Product) -> ProductOut:
    totals = product.levels.aggregate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
    return ProductOut(
        id=product.pk,
        sku=product.sku,
        name=product.name,
        is_kit=product.is_kit,
        barcode=product.barcode,
        weight_value=product.weight_value,
        weight_unit=product.weight_unit,
        length=product.length,
        width=product.width,
        height=product.height,
        dimension_unit=product.dimension_unit,
        bin_location=product.bin_location,
        cost=product.cost,
        image_url=product.image_url,
        tags=list(product.tags or []),
        low_stock_threshold=product.low_stock_threshold,
        on_hand=totals["on_hand"] or 0,
        reserved=totals["reserved"] or 0,
        components=[
            ComponentOut(sku=line.component.sku, quantity=line.quantity)
            for line in product.components.select_related("component")
        ],
        updated_at=product.updated_at,
    )


def _product(request: HttpRequest, product_id: int) -> Product:
    return queries.product(caller(request).account, product_id)


@router.get("", response=list[ProductOut])
def list_products(request: HttpRequest, filters: Query[ProductFilter]) -> list[ProductOut]:
    account = caller(request).account
    rows = queries.products(account, filters.search)
    if filters.low_stock:
        rows = rows.filter(pk__in=[row.product.pk for row in queries.low_stock(account)])
    return [
        product_out(product) for product in rows[filters.offset : filters.offset + filters.limit]
    ]


@router.post("", response={201: ProductOut})
def create_product(request: HttpRequest, body: ProductIn) -> Status[ProductOut]:
    values = body.dict(exclude={"sku", "name"}, exclude_none=True)
    product = services.create_product(caller(request).account, body.sku, body.name, **values)
    return Status(201, product_out(product))


@router.get("/export", response={200: None})
def export_products(request: HttpRequest, kind: CsvKind = CsvKind.PRODUCTS) -> HttpResponse:
    """The catalog (``products``), kit recipes (``kits``) or stock (``quantities``) as CSV."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind.value}.csv"'
    text = io.StringIO()
    export(caller(request).account, kind, text)
    response.write(text.getvalue())
    return response


@router.post("/import", response=ImportOut)
def import_products(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: CsvKind | None = None,
    check: bool = False,
) -> ImportOut:
    """Import a products, kits or quantities CSV file (the kind is read from its header when
    not given): every row or none (problems answer 422). ``check=true`` reports the problems
    (200, ``errors``) without applying anything."""
    who = caller(request)
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise CatalogInvalid.field(
            "file", f"is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; split it"
        )
    data = file.read()
    found = kind or sniff_kind(data)
    if check:
        report = check_import(who.account, found, io.BytesIO(data))
        return ImportOut(
            kind=found.value,
            rows=report.rows,
            applied=False,
            created=0,
            updated=0,
            errors=[
                RowErrorOut(row=error.row, column=error.column, message=error.message)
                for error in report.errors
            ],
        )
    result = import_file(who.account, found, io.BytesIO(data), who.actor, name=file.name or "")
    return ImportOut(
        kind=found.value,
        rows=result.rows,
        applied=True,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        errors=[],
    )


@router.get("/{product_id}", response=ProductOut)
def get_product(request: HttpRequest, product_id: int) -> ProductOut:
    return product_out(_product(request, product_id))


@router.patch("/{product_id}", response=ProductOut)
def update_product(request: HttpRequest, product_id: int, body: ProductPatch) -> ProductOut:
    values = body.dict(exclude_unset=True)
    for name in TEXT_FIELDS:
        if name in values and values[name] is None:
            values[name] = ""  # a text field is cleared, never null
    product = services.update_product(caller(request).account, product_id, **values)
    return product_out(product)


@router.put("/{product_id}/recipe", response=ProductOut)
def set_recipe(request: HttpRequest, product_id: int, body: RecipeIn) -> ProductOut:
    kit = services.set_recipe(caller(request).account, product_id, body.components)
    return product_out(kit)
