"""The tests carry their own files: a clone without the team's shared folder passes."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

import crossdock
from crossdock.customstore.schema import SHIPSTATION_ORDERS_XSD

TESTS = Path(__file__).parent
PACKAGE = Path(crossdock.__file__).parent

# A path built to leave the repository: `".." / "shared"`, "../shared" and the like.
OUTSIDE = re.compile(r"""["']\.\.["']\s*/\s*["']shared["']|\.\./shared""")


def test_the_shipstation_schema_ships_inside_the_package_and_parses() -> None:
    # given the one copy, under src/crossdock/customstore/schema
    # when it is loaded as a schema
    schema = etree.XMLSchema(etree.parse(str(SHIPSTATION_ORDERS_XSD)))

    # then it is package data (not a test file) and accepts an empty export page
    assert SHIPSTATION_ORDERS_XSD.resolve().is_relative_to(PACKAGE.resolve())
    assert schema.validate(etree.fromstring(b'<Orders pages="1"/>'))


def test_no_schema_copy_lives_under_the_tests() -> None:
    # given the test tree
    # then it holds no second copy of a schema that could drift from the package's
    assert sorted(str(path.relative_to(TESTS)) for path in TESTS.rglob("*.xsd")) == []


def test_no_test_reads_a_file_outside_the_repository() -> None:
    # given every test module
    offenders = [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "test_self_contained.py" and OUTSIDE.search(path.read_text("utf-8"))
    ]

    # then none builds a path to ../shared
    assert offenders == []
