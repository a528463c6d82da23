"""A fresh scan answered before Flask, the way a reverse proxy's cache would answer it.

A card page for a browser with no cookies is the same bytes for everyone who scans that
card in that language (portal/card_page.py), and Flask already marks it so: public
Cache-Control, a strong ETag, `Vary: Accept-Language, Cookie`. This WSGI layer keeps
such a response for CARD_PAGE_TRUST_SECONDS (the same window in which a worker already
serves a scan without asking the database) and answers the same request again from it,
or a 304 when the browser holds that ETag, without Flask's request handling. The
envelope around it (core/envelope.py) still gives each answer its id, the strict headers
and a log line.

Only a cookie-less GET of a card URL without a query is answered here; the key is
everything such a request carries that the page can depend on (path, Accept-Language,
host, scheme), so a hit is the response Flask itself would have given moments ago. An
edited or retired card shows after the window, as it does in the worker's own cache.
"""

import re
import threading
import time
from typing import NamedTuple

from flask import Flask
from werkzeug.http import remove_entity_headers

from core.envelope import ROUTE_KEY, route_of

CARD_PATH = re.compile(r"/[cC]/[A-Za-z0-9]{1,64}")
KEYED = ("PATH_INFO", "HTTP_ACCEPT_LANGUAGE", "HTTP_HOST", "wsgi.url_scheme")
# What Flask's card page varies by: the lane keys on the first and answers only without it.
VARY = "accept-language, cookie"


class Entry(NamedTuple):
    until: float
    etag: str
    headers: tuple
    not_modified_headers: tuple
    body: bytes
    route: tuple


class Passed(NamedTuple):
    """A response Flask gave that the lane may not keep: passed on as it is."""

    status: str
    headers: list
    exc_info: object
    body: object


def _is_lane_request(environ: dict) -> bool:
    return (
        environ["REQUEST_METHOD"] == "GET"
        and "HTTP_COOKIE" not in environ
        and not environ.get("QUERY_STRING")
        and CARD_PATH.fullmatch(environ.get("PATH_INFO", "")) is not None
    )


def _keepable(status: str, headers: list) -> bool:
    """Flask's own word that anyone may be given this response: public, an ETag, no cookie."""
    if not status.startswith("200 "):
        return False
    found = {name.lower(): value for name, value in headers}
    return (
        "set-cookie" not in found
        and "etag" in found
        and found.get("cache-control", "").startswith("public")
        and found.get("vary", "").lower() == VARY
    )


class CardLane:
    """WSGI middleware: cookie-less card scans answered from the last few seconds."""

    def __init__(self, wsgi_app, seconds: int, size: int):
        self.wsgi_app = wsgi_app
        self.seconds = seconds
        self.size = size
        self._entries: dict[tuple, Entry] = {}
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if not _is_lane_request(environ):
            return self.wsgi_app(environ, start_response)
        key = tuple(environ.get(name, "") for name in KEYED)
        entry = self._entries.get(key)
        if entry is None or entry.until < time.monotonic():
            entry = self._through_flask(key, environ)
            if isinstance(entry, Passed):
                start_response(entry.status, entry.headers, entry.exc_info)
                return entry.body
        environ[ROUTE_KEY] = entry.route
        if entry.etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 NOT MODIFIED", list(entry.not_modified_headers))
            return []
        start_response("200 OK", list(entry.headers))
        return [entry.body]

    def _through_flask(self, key: tuple, environ) -> Entry | Passed:
        """Flask's answer to the scan: kept when it may be, else passed on as it is.

        Flask is asked for the whole page (without If-None-Match), so a browser that keeps
        revalidating refills the lane too; the lane then answers the 304 itself.
        """
        answer = []

        def capture(status, headers, exc_info=None):
            answer[:] = [status, headers, exc_info]
            return _no_write

        conditional = environ.pop("HTTP_IF_NONE_MATCH", None)
        iterable = self.wsgi_app(environ, capture)
        if conditional is not None:
            environ["HTTP_IF_NONE_MATCH"] = conditional
        status, headers, exc_info = answer
        if not _keepable(status, headers):
            return Passed(status, headers, exc_info, iterable)
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        return self._keep(key, headers, body, route_of(environ))

    def _keep(self, key: tuple, headers: list, body: bytes, route: tuple) -> Entry:
        etag = next(value for name, value in headers if name.lower() == "etag")
        not_modified = list(headers)
        remove_entity_headers(not_modified)
        entry = Entry(
            time.monotonic() + self.seconds, etag, tuple(headers), tuple(not_modified), body, route
        )
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()  # a crude bound: entries live seconds anyway
            self._entries[key] = entry
        return entry


def _no_write(_data: bytes) -> None:
    raise RuntimeError("the card lane does not support WSGI's write()")


def init_app(app: Flask) -> None:
    """Put the lane around Flask when a worker may trust a scan for some seconds (not in
    debug, where templates reload, and not with CARD_PAGE_TRUST_SECONDS or the page cache
    set to 0)."""
    seconds = app.config["CARD_PAGE_TRUST_SECONDS"]
    size = app.config["CARD_PAGE_CACHE_SIZE"]
    if seconds > 0 and size > 0 and not app.debug:
        app.wsgi_app = CardLane(app.wsgi_app, seconds, size)
