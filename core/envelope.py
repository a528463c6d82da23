"""Around every request, outside Flask's hooks: its id, the security headers, its log line.

Every request pays for these, the cheapest ones too (a health probe, a card page served
from memory), so they work on what the server hands over, the WSGI environ and a plain
list of headers, instead of in Flask hooks (a request context, werkzeug's Headers and a
hook call each). What they need from Flask, the matched route and blueprint, they read
from Flask's request object, which puts itself in the environ under REQUEST_KEY; a layer
that answers without Flask (the card lane, portal/card_lane.py) names its route under
ROUTE_KEY instead.
"""

import time

from flask import Flask, Request

from core.observability import (
    REQUEST_ID_HEADER,
    UNMATCHED_ROUTE,
    log_request,
    new_request_id,
)
from core.security import add_strict_headers

REQUEST_KEY = "service_star.request"
ROUTE_KEY = "service_star.route"
UNMATCHED = (UNMATCHED_ROUTE, None, None)


def route_of(environ: dict) -> tuple[str, str | None, str | None]:
    """(route pattern, endpoint, blueprint) of the request, as far as it was matched."""
    request = environ.get(REQUEST_KEY)
    if request is None:
        return environ.get(ROUTE_KEY, UNMATCHED)
    rule = request.url_rule
    if rule is None:
        return UNMATCHED
    return rule.rule, request.endpoint, request.blueprint


class EnvelopedRequest(Request):
    """Flask's request, which leaves itself in the environ for the envelope to read."""

    def __init__(self, environ, *args, **kwargs):
        super().__init__(environ, *args, **kwargs)
        environ[REQUEST_KEY] = self


class RequestEnvelope:
    """WSGI middleware: a request id in, the strict headers and the id out, one line logged."""

    def __init__(self, wsgi_app, trust_proxy: bool):
        self.wsgi_app = wsgi_app
        self.trust_proxy = trust_proxy

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        offered = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = new_request_id(offered, self.trust_proxy)
        logged = False

        def start(status: str, headers: list, exc_info=None):
            nonlocal logged
            route, endpoint, blueprint = route_of(environ)
            add_strict_headers(headers, blueprint, environ["wsgi.url_scheme"] == "https")
            headers.append((REQUEST_ID_HEADER, request_id))
            if not logged:  # a second call (an error after the first) is not logged again
                logged = True
                duration = (time.perf_counter() - started) * 1000
                log_request(environ, status, route, endpoint, request_id, duration)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def init_app(app: Flask) -> None:
    """Wrap the app (call last, around every other WSGI layer, so its time counts)."""
    trust_proxy = int(app.config.get("PROXY_FIX_HOPS") or 0) > 0
    app.request_class = EnvelopedRequest
    app.wsgi_app = RequestEnvelope(app.wsgi_app, trust_proxy)
