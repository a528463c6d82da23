"""The card page of a fresh scan: rendered once per content, reused, and cacheable.

A scan with nothing typed yet gets the same page as every other scan of that card in
that language: no CSRF token (core.security checks Fetch Metadata instead), no form
key (the service spots a repeated POST), no cookie. So the page is rendered once and
kept with a strong ETag (a digest of its bytes), and the response may be kept by the
browser or a proxy for CARD_PAGE_MAX_AGE seconds; a matching If-None-Match gets a 304
without rendering.

An entry's key holds everything the page shows (name, title, branch, photo, token,
locale, path), read in one light query, so an edit makes a new key (and a new ETag) and
the old entry just ages out of the LRU: nothing has to be invalidated, in this worker or
in any other. For CARD_PAGE_TRUST_SECONDS after that query a worker serves the same
scan (path and language) without asking again: a busy card costs one query per worker
every few seconds instead of one per scan, and an edit shows that much later (well
inside the CARD_PAGE_MAX_AGE a browser or proxy may keep the page anyway).
"""

import hashlib
import threading
import time
from collections import OrderedDict
from typing import NamedTuple

from flask import current_app, render_template, request, session

from core.i18n import current_locale_code
from core.models import Employee
from core.services.people.cards import active_card_face, card_face, lookup_card
from core.services.settings import settings_version
from portal.device import DEVICE_COOKIE, PENDING_KEY
from portal.forms import rating_form, star_names
from portal.till import TILL_KEY

# Flask keeps flashed messages under this session key; a page that shows one is not cached.
FLASHES_KEY = "_flashes"
EXTENSION_KEY = "card_pages"
# What a fresh scan's page depends on besides the URL: the language (from the header, or
# the lang cookie) and, through the session and device cookies, whether it is fresh.
VARY = "Accept-Language, Cookie"
# A page that shows this browser's own state (a draft, a till code, "already rated").
PRIVATE = "private, no-store"


class Page(NamedTuple):
    body: str
    etag: str


class RenderedPages:
    """A small thread-safe LRU of rendered pages with their ETags, and of which page a
    scan (path, language) showed lately: trusted until a moment, without a query."""

    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
        self._trusted: dict[tuple, tuple[float, Page]] = {}
        self._lock = threading.Lock()

    def trusted(self, scan: tuple) -> Page | None:
        """The page this scan showed, while it is still trusted."""
        entry = self._trusted.get(scan)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def trust(self, scan: tuple, page: Page, seconds: int) -> None:
        with self._lock:
            if len(self._trusted) >= self.size:
                self._trusted.clear()  # a crude bound: entries live seconds anyway
            self._trusted[scan] = (time.monotonic() + seconds, page)

    def get(self, key: tuple) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: Page) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def init_app(app) -> None:
    app.extensions[EXTENSION_KEY] = RenderedPages(app.config["CARD_PAGE_CACHE_SIZE"])


def _pages() -> RenderedPages | None:
    pages = current_app.extensions[EXTENSION_KEY]
    # Off where templates reload on change (debug), and when configured to 0.
    if pages.size <= 0 or current_app.jinja_env.auto_reload:
        return None
    return pages


def _is_fresh_scan() -> bool:
    """A scan with nothing of this browser's to show: no draft, no message, no query, no
    till QR's code, and no verified device (which may have rated this employee already).

    A request without cookies (the common scan) is fresh without opening the session;
    with a device cookie the page is rendered in full (only its presence is checked).
    """
    if request.query_string:
        return False
    cookies = request.cookies
    if not cookies:
        return True
    if DEVICE_COOKIE in cookies:
        return False
    if current_app.config["SESSION_COOKIE_NAME"] not in cookies:
        return True
    return not any(key in session for key in (PENDING_KEY, FLASHES_KEY, TILL_KEY))


def _content_key(face: tuple) -> tuple:
    # The settings version: a change of the rating dimensions makes a new key.
    return (current_locale_code(), request.path, settings_version(), *face)


def render_card_page(employee: Employee, form, **context) -> str:
    """The card page with this rating form.

    context: notice (a status line above the form), till_verified (no code to come).
    """
    # The star names once per page, not once per radio of every dimension.
    return render_template(
        "portal/card.html", employee=employee, form=form, names=star_names(), **context
    )


def page_with_etag(body: str) -> Page:
    """A page and its strong ETag: a digest of exactly these bytes."""
    digest = hashlib.blake2b(body.encode(), digest_size=16).hexdigest()
    return Page(body, f'"{digest}"')


def _rendered(token: str, key: tuple, pages: RenderedPages | None) -> Page | None:
    page = pages.get(key) if pages is not None else None
    if page is not None:
        return page
    found = lookup_card(token)
    if found.state != "active":
        return None  # changed since the face was read: the view explains
    page = page_with_etag(render_card_page(found.employee, rating_form(formdata=None)))
    if pages is not None:
        # Keyed by what was rendered, in case an edit landed between the two reads.
        pages.put(_content_key(card_face(found.employee)), page)
    return page


def fresh_card_page(token: str) -> Page | None:
    """The page (and ETag) of a fresh scan of an active card.

    None when the view must render it in full: not a fresh scan, or a card that is
    unknown, retired or inactive (the view explains which).
    """
    if not _is_fresh_scan():
        return None
    pages = _pages()
    seconds = current_app.config["CARD_PAGE_TRUST_SECONDS"]
    scan = (current_locale_code(), request.path)
    if pages is not None and seconds > 0 and (page := pages.trusted(scan)) is not None:
        return page
    face = active_card_face(token)
    if face is None:
        return None
    page = _rendered(token, _content_key(face), pages)
    if page is not None and pages is not None and seconds > 0:
        pages.trust(scan, page, seconds)
    return page


def cacheable_response(page: Page):
    """The fresh scan's response: public for a short while, or 304 when the ETag matches."""
    config = current_app.config
    if page.etag in request.headers.get("If-None-Match", ""):
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(page.body, mimetype="text/html")
    response.headers["ETag"] = page.etag
    response.headers["Cache-Control"] = (
        f"public, max-age={config['CARD_PAGE_MAX_AGE']}, "
        f"stale-while-revalidate={config['CARD_PAGE_STALE_SECONDS']}"
    )
    response.headers["Vary"] = VARY
    return response


def private_response(body: str, status: int):
    """A card page with this browser's own state: never kept by a cache."""
    response = current_app.response_class(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = PRIVATE
    response.headers["Vary"] = VARY
    return response
