"""Fonts of the PDF packing slip: embedded TrueType fonts, and a fallback chosen per glyph.

reportlab's built-in fonts (Helvetica …) know Latin-1 only: anything else, from a Greek
street name to a 📦 in an item name, printed as ■. The slip therefore embeds Debian's fonts
and, for each character, uses the first font of :data:`CHAIN` that has a glyph for it:

1. DejaVu Sans (``fonts-dejavu-core``, required): Latin, Greek, Cyrillic, Arabic, Hebrew,
   Armenian, Georgian, many symbols and some emoji;
2. WenQuanYi Zen Hei (``fonts-wqy-zenhei``, optional): Chinese, Japanese and Korean;
3. Symbola (``fonts-symbola``, optional): emoji and symbols, in one colour.

``.ci/run`` installs all three. Without DejaVu Sans the slip cannot be drawn and
:class:`SlipFontsMissing` says which package to install; without an optional font its
scripts print as the missing-glyph box, as before.

reportlab draws characters left to right as given, so a line with right-to-left text is
first put in display order here: Arabic letters take their joining forms
(``arabic-reshaper``), then the Unicode bidirectional algorithm reorders and mirrors the
line (``python-bidi``). Each field is its own paragraph or table cell, so reordering never
crosses from one field into the next. A right-to-left field that wraps onto several lines
is reordered as one line first, so its lines read in the wrong order (rare on a slip).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FONT_DIR = Path("/usr/share/fonts/truetype")


@dataclass(frozen=True, slots=True)
class FontFile:
    """One font of the chain: its registered name, where Debian puts it, which package."""

    name: str
    path: Path
    package: str
    required: bool
    bold_path: Path | None = None
    subfont: int = 0


CHAIN = (
    FontFile(
        "SlipSans",
        FONT_DIR / "dejavu/DejaVuSans.ttf",
        "fonts-dejavu-core",
        required=True,
        bold_path=FONT_DIR / "dejavu/DejaVuSans-Bold.ttf",
    ),
    FontFile("SlipCJK", FONT_DIR / "wqy/wqy-zenhei.ttc", "fonts-wqy-zenhei", False),
    FontFile("SlipSymbols", FONT_DIR / "ancient-scripts/Symbola_hint.ttf", "fonts-symbola", False),
)


class SlipFontsMissing(Exception):
    """A required font file is missing: the slip cannot be drawn (message names the package)."""


@dataclass(frozen=True, slots=True)
class LoadedFont:
    name: str
    code_points: frozenset[int]


@dataclass(frozen=True, slots=True)
class SlipFonts:
    """The registered fonts, first to last; the first is the base font of every style."""

    chain: tuple[LoadedFont, ...]
    #: The base font's bold face (the base font itself when the bold file is missing).
    bold: str

    @property
    def base(self) -> str:
        return self.chain[0].name

    def has_glyph(self, name: str, char: str) -> bool:
        return any(font.name == name and ord(char) in font.code_points for font in self.chain)

    def font_for(self, char: str) -> str:
        """The first font with a glyph for ``char``; the base font when none has one."""
        code = ord(char)
        for font in self.chain:
            if code in font.code_points:
                return font.name
        return self.base


def _register(name: str, path: Path, subfont: int) -> TTFont:
    font = TTFont(name, str(path), subfontIndex=subfont)
    pdfmetrics.registerFont(font)
    return font


@cache
def slip_fonts(chain: tuple[FontFile, ...] = CHAIN) -> SlipFonts:
    """Register the chain's fonts with reportlab once per process and return them.

    Raises :class:`SlipFontsMissing` when a required font is missing; optional fonts that
    are missing (or unreadable) are left out of the chain.
    """
    loaded: list[LoadedFont] = []
    bolds: list[str] = []
    for entry in chain:
        if not entry.path.is_file():
            if entry.required:
                raise SlipFontsMissing(
                    f"The PDF packing slip needs {entry.path} from Debian's {entry.package} "
                    f"package: install it with `apt-get install {entry.package}`."
                )
            continue
        try:
            font = _register(entry.name, entry.path, entry.subfont)
            bold = entry.name
            if entry.bold_path is not None and entry.bold_path.is_file():
                bold = f"{entry.name}-Bold"
                _register(bold, entry.bold_path, entry.subfont)
        except TTFError as error:
            if entry.required:
                raise SlipFontsMissing(f"{entry.path} is not a usable font: {error}") from error
            continue
        # <b> inside a paragraph asks the family for its bold face; fallbacks bold as regular.
        # Upright last: the reverse lookup (font name → family, bold, italic) keeps the last.
        for is_bold, is_italic in ((0, 1), (1, 1), (0, 0), (1, 0)):
            addMapping(entry.name, is_bold, is_italic, bold if is_bold else entry.name)
        loaded.append(LoadedFont(entry.name, frozenset(font.face.charToGlyph)))
        bolds.append(bold)
    return SlipFonts(tuple(loaded), bolds[0])


def _is_invisible(char: str) -> bool:
    # Format characters (joiners, bidi controls) and variation selectors draw nothing.
    return unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F


def _sticks_to_previous(char: str) -> bool:
    # Combining marks belong with the character before them.
    return unicodedata.combining(char) > 0 or unicodedata.category(char) in {"Mn", "Me"}


def font_runs(text: str, fonts: SlipFonts) -> list[tuple[str, str]]:
    """``text`` split into ``(font name, text)`` runs, each char in the first font having it.

    Spaces and combining marks stay in the run they are in, so a line splits only where the
    script really changes; joiners, bidi controls and variation selectors the run's font
    cannot draw are left out (they would print as boxes).
    """
    runs: list[tuple[str, str]] = []
    for char in text:
        if _is_invisible(char):
            # Kept only where the run's font draws it; elsewhere it would print as a box.
            if not runs or not fonts.has_glyph(runs[-1][0], char):
                continue
            name = runs[-1][0]
        elif runs and (char.isspace() or _sticks_to_previous(char)):
            name = runs[-1][0]
        else:
            name = fonts.font_for(char)
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + char)
        else:
            runs.append((name, char))
    return runs


def display_order(line: str) -> str:
    """One line as drawn left to right: Arabic shaped, right-to-left runs reordered and
    mirrored; a line without right-to-left characters is returned as it is."""
    if not any(unicodedata.bidirectional(char) in {"R", "AL", "AN"} for char in line):
        return line
    return str(get_display(arabic_reshaper.reshape(line)))


def markup(text: str, fonts: SlipFonts) -> str:
    """Paragraph markup for merchant ``text``: each line in display order, escaped, line
    breaks kept, and every run that the base font cannot draw wrapped in ``<font name=…>``
    of a font that can."""
    lines = []
    for line in text.split("\n"):
        line = display_order(line)
        parts = []
        for name, run in font_runs(line, fonts):
            if name == fonts.base:
                parts.append(escape(run))
            else:
                parts.append(f'<font name="{name}">{escape(run)}</font>')
        lines.append("".join(parts))
    return "<br/>".join(lines)
