"""Turn the card page's rating form into a POST body for the HTTP benchmarks."""

import html
import re
from urllib.parse import quote_plus

INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')


def _inputs(page: str) -> list[dict[str, str]]:
    return [
        {name: html.unescape(value) for name, value in ATTRIBUTE.findall(tag)}
        for tag in INPUT.findall(page)
    ]


def form_fields(page: str) -> str:
    """A urlencoded body: the hidden fields, the highest star of every rating, a comment.

    The comment ends with "{n}", where wrk_post.lua puts a number unique to each request:
    every POST is a new draft, so each stores a new pending rating (the same draft again
    from the same address and browser would be a double tap, which updates the first).
    """
    pairs: list[tuple[str, str]] = []
    chosen: set[str] = set()
    for field in _inputs(page):
        name, kind = field.get("name"), field.get("type", "text")
        if not name:
            continue
        if kind == "hidden":
            pairs.append((name, field.get("value", "")))
        elif kind == "radio" and name not in chosen:
            # The stars are listed from 5 down (for the CSS sibling trick): take the first.
            chosen.add(name)
            pairs.append((name, field["value"]))
    pairs.append(("comment", "Quick, friendly and clear. {n}"))
    return "&".join(f"{quote_plus(k)}={quote_plus(v, safe='{}')}" for k, v in pairs)


def session_cookie(set_cookie_headers: list[str]) -> str:
    """The Cookie header that sends back what the server set (name=value pairs)."""
    return "; ".join(header.split(";", 1)[0] for header in set_cookie_headers)
