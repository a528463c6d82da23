"""Text in every script: bidi isolation for display, bidi controls removed from names.

A name written right to left (Arabic, Hebrew) beside left-to-right text, or a name that
carries its own direction controls, can reorder whatever surrounds it: "· Branch" may
land on the wrong side, or a digit run jump. So every name, title, branch and comment is
shown isolated: in HTML as <bdi> (the `bdi` filter), where no tag is allowed (a page
title, an <option>, an attribute, a CSV cell) between FSI and PDI (the `isolate` filter).
Names never need direction controls, so they are removed on input (clean_name).
"""

import re

from markupsafe import Markup, escape

FSI = "\u2068"  # FIRST STRONG ISOLATE: the text takes the direction of its first letter
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE: ends it, and any embedding left open inside
# Embeddings and overrides (LRE RLE PDF LRO RLO), isolates (LRI RLI FSI PDI),
# marks (LRM RLM) and the Arabic letter mark.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Letters of the right-to-left scripts (bidi classes R and AL): Hebrew, Arabic, Syriac,
# Thaana, NKo, Samaritan, Mandaic and their presentation forms, and the RTL planes.
RIGHT_TO_LEFT = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def strip_bidi_controls(value: str) -> str:
    """The text without bidirectional control characters."""
    return BIDI_CONTROLS.sub("", value)


def clean_name(value: str | None) -> str:
    """A name, title or branch as stored: no direction controls, no surrounding blanks."""
    return strip_bidi_controls(value or "").strip()


def has_right_to_left(value: str) -> bool:
    """True when the text has a letter of a right-to-left script."""
    return RIGHT_TO_LEFT.search(value) is not None


def isolate(value) -> str:
    """The text between FSI and PDI, for places that take no tags; empty stays empty."""
    if value is None or value == "":
        return ""
    return f"{FSI}{value}{PDI}"


def bdi(value) -> Markup:
    """The text, escaped, in a <bdi> element; empty stays empty."""
    if value is None or value == "":
        return Markup("")
    return Markup("<bdi>%s</bdi>") % escape(value)


def init_app(app) -> None:
    """{{ name|bdi }} in page text, {{ name|isolate }} in titles, options and attributes."""
    app.add_template_filter(bdi)
    app.add_template_filter(isolate)
