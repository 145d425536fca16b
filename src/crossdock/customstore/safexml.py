"""Safe XML parsing for untrusted bodies: no DOCTYPE, no entities, no network, capped size.

Both sides of the protocol read XML written by someone else (the hub reads ShipStation's
notices, the desk reads any store's exports), so both parse through here.
"""

from __future__ import annotations

from lxml import etree

#: Default cap on a body; a notice is a few kilobytes, an export page a few megabytes.
DEFAULT_MAX_BYTES = 1_000_000


class UnsafeXmlError(ValueError):
    """The document declares a DOCTYPE, an entity or an external reference."""


class XmlTooLargeError(ValueError):
    """The body is larger than the cap."""


class MalformedXmlError(ValueError):
    """The body is not well-formed XML; ``line`` and ``column`` point at the problem."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


#: ``<!doctype`` and ``<!entity`` (lower-cased bytes) in UTF-8 and the UTF-16/32 forms.
_DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!doctype", "<!entity")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )


def parse_untrusted(body: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse ``body`` or raise; never resolves or even accepts a DOCTYPE or entity."""
    if len(body) > max_bytes:
        raise XmlTooLargeError(f"body of {len(body)} bytes is over the {max_bytes}-byte limit")
    # A DOCTYPE is how entity bombs and external entities arrive: refuse it outright,
    # before parsing, in whichever of the usual encodings the body is written.
    lowered = body.lower()
    if any(marker in lowered for marker in _DECLARATIONS):
        raise UnsafeXmlError("DOCTYPE and entity declarations are not allowed")
    try:
        root = etree.fromstring(body, parser=_parser(recover=False))
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (0, 0)
        raise MalformedXmlError(f"not well-formed XML: {error.msg}", line, column) from error
    if root is None:
        raise MalformedXmlError("empty document")
    # Any other encoding the parser knows: the parsed document tells whether it had one.
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None:
        raise UnsafeXmlError("DOCTYPE and entity declarations are not allowed")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise UnsafeXmlError("entity references are not allowed")
    return root
