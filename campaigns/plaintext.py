"""Plain text typed by visitors: newlines unified, invisible formatting removed."""

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates can reorder the text around them,
# and zero-width spaces can hide that text is there at all. Joiners (U+200C, U+200D)
# and the left/right marks stay: scripts and emoji need them.
_INVISIBLE = re.compile("[\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANK_LINES = re.compile(r"\n{3,}")


def _common(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _INVISIBLE.sub("", text))


def tidy_line(text: str | None) -> str:
    """Return one line of text: whitespace collapsed, invisible characters removed."""
    return " ".join(_common(text or "").split())


def tidy_block(text: str | None) -> str:
    """Return text whose line breaks are kept, with at most one blank line in a row."""
    lines = (line.rstrip() for line in _common(text or "").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
