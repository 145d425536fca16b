"""The tests carry their own files: a clone without the team's shared folder passes."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from tests.fixtures.specs import SHIPSTATION_ORDERS_XSD

TESTS = Path(__file__).parent

# A path built to leave the repository: `".." / "shared"`, "../shared" and the like.
OUTSIDE = re.compile(r"""["']\.\.["']\s*/\s*["']shared["']|\.\./shared""")


def test_the_shipstation_schema_is_a_project_file_that_parses() -> None:
    # given the copy under tests/fixtures/specs
    # when it is loaded as a schema
    schema = etree.XMLSchema(etree.parse(str(SHIPSTATION_ORDERS_XSD)))

    # then it is inside the repository and accepts an empty export page
    assert SHIPSTATION_ORDERS_XSD.resolve().is_relative_to(TESTS.resolve())
    assert schema.validate(etree.fromstring(b'<Orders pages="1"/>'))


def test_no_test_reads_a_file_outside_the_repository() -> None:
    # given every test module
    offenders = [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "test_self_contained.py" and OUTSIDE.search(path.read_text("utf-8"))
    ]

    # then none builds a path to ../shared
    assert offenders == []
