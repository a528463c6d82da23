"""The card page of a fresh scan, rendered once per content and reused.

A scan with nothing typed yet gets the same page as every other scan of that card in
that language, but for two values: the CSRF token and the one-time submission key.
Rendering it (WTForms widgets, escaping, gettext, macros) costs several times the rest
of the request, so it is rendered once with two random placeholders, and every request
puts its own values in their place.

An entry's key holds everything the page shows (name, title, branch, photo, token,
locale, path), read per request in one light query, so an edit makes a new key and
the old entry just ages out of the LRU: nothing has to be invalidated, in this worker
or in any other.
"""

import secrets
import threading
from collections import OrderedDict

from flask import current_app, render_template, request, session
from flask_wtf.csrf import generate_csrf

from core.i18n import current_locale_code
from core.models import Employee
from core.services.people.cards import active_card_face, card_face, lookup_card
from core.services.settings import settings_version
from portal.device import DEVICE_COOKIE, pending_id
from portal.forms import new_submission_key, rating_form, star_names
from portal.till import TILL_KEY

# Flask keeps flashed messages under this session key; a page that shows one is not cached.
FLASHES_KEY = "_flashes"
EXTENSION_KEY = "card_pages"


class RenderedPages:
    """A small thread-safe LRU of rendered pages with two slots to fill per request."""

    def __init__(self, size: int):
        self.size = size
        # Random per process: no employee text can contain them, and they need no escaping.
        self.csrf_slot = secrets.token_hex(16)
        self.key_slot = secrets.token_hex(16)
        self._pages: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: str) -> None:
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


def _csrf_enabled() -> bool:
    return current_app.config.get("WTF_CSRF_ENABLED", True)


def _is_fresh_scan() -> bool:
    """A scan with nothing of this browser's to show: no draft, no message, no query, no
    till QR's code, and no verified device (which may have rated this employee already).

    Only the presence of the device cookie is checked here, so the common scan costs
    nothing more; a browser that has one gets the page rendered in full.
    """
    return (
        not request.query_string
        and pending_id() is None
        and FLASHES_KEY not in session
        and TILL_KEY not in session
        and DEVICE_COOKIE not in request.cookies
    )


def _content_key(face: tuple) -> tuple:
    # The settings version: a change of the rating dimensions makes a new key.
    return (current_locale_code(), request.path, settings_version(), *face)


def render_card_page(employee: Employee, form, **context) -> str:
    """The card page with this rating form, as it is (the view's path) or with slots.

    context: notice (a status line above the form), till_verified (no code to come).
    """
    # The star names once per page, not once per radio of every dimension.
    return render_template(
        "portal/card.html", employee=employee, form=form, names=star_names(), **context
    )


def _render_with_slots(employee: Employee, pages: RenderedPages) -> str:
    form = rating_form()
    if _csrf_enabled():
        form[form.meta.csrf_field_name].current_token = pages.csrf_slot
    form.submission_key.data = pages.key_slot
    return render_card_page(employee, form)


def _rendered(token: str, key: tuple, pages: RenderedPages) -> str | None:
    page = pages.get(key)
    if page is not None:
        return page
    found = lookup_card(token)
    if found.state != "active":
        return None  # changed since the face was read: the view explains
    page = _render_with_slots(found.employee, pages)
    # Keyed by what was rendered, in case an edit landed between the two reads.
    pages.put(_content_key(card_face(found.employee)), page)
    return page


def fresh_card_page(token: str) -> str | None:
    """The card page of a fresh scan of an active card, with this request's token and key.

    None when the view must render it in full: not a fresh scan, a card that is
    unknown, retired or inactive (the view explains which), or the cache is off.
    """
    pages = _pages()
    if pages is None or not _is_fresh_scan():
        return None
    face = active_card_face(token)
    if face is None:
        return None
    page = _rendered(token, _content_key(face), pages)
    if page is None:
        return None
    if _csrf_enabled():
        page = page.replace(pages.csrf_slot, generate_csrf(), 1)
    return page.replace(pages.key_slot, new_submission_key(), 1)
