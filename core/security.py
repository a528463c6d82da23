"""Security headers for every response (error pages included), proxy trust, view decorators."""

from functools import lru_cache, wraps
from urllib.parse import urlsplit

from flask import Flask, current_app, make_response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"
# No page needs these browser features; a forged page injected here could not use them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
NO_STORE = "no-store"
NO_REFERRER = "no-referrer"

# Whole blueprints whose pages are private: never cached by a browser or proxy. The staff
# pages also carry the employee's secret in their URL, so they never send a Referer.
NO_STORE_BLUEPRINTS = frozenset({"admin", "staff"})
NO_REFERRER_BLUEPRINTS = frozenset({"staff"})


def no_store(view):
    """Mark a view's responses Cache-Control: no-store (verification and private pages)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = NO_STORE
        return response

    return wrapper


def no_referrer(view):
    """Mark a view's responses Referrer-Policy: no-referrer (a token is in its URL)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Referrer-Policy"] = NO_REFERRER
        return response

    return wrapper


# Fetch Metadata: where the browser says an unsafe request came from. "none" is the
# person's own doing (typed address, bookmark). "same-site" (a sibling subdomain) is
# refused too: the customer path never posts across subdomains, and a sibling host may
# be less careful than this one.
ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@lru_cache(maxsize=4)
def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def cross_origin_refusal() -> bool:
    """Whether this unsafe request came from another site and must be refused.

    The token-free CSRF rule of Go's CrossOriginProtection: trust Sec-Fetch-Site when
    the browser sends it; else compare Origin with this host (or PUBLIC_BASE_URL); a
    client that sends neither is not a browser acting for someone (or a browser too old
    to send either, which SameSite=Lax cookies still cover), so it passes.
    """
    if request.method in SAFE_METHODS:
        return False
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site not in ALLOWED_FETCH_SITES
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    origin = origin.lower()
    own = (_origin_of(request.host_url), _origin_of(current_app.config["PUBLIC_BASE_URL"]))
    return origin not in own


# Every response's strict headers, built once; a value a view set on purpose is kept.
DEFAULT_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
)
_DEFAULTS_BY_NAME = tuple((name.lower(), (name, value)) for name, value in DEFAULT_HEADERS)


def _replace(headers: list, name: str, value: str) -> None:
    lowered = name.lower()
    headers[:] = [pair for pair in headers if pair[0].lower() != lowered]
    headers.append((name, value))


def add_strict_headers(headers: list, blueprint: str | None, secure: bool) -> None:
    """Add the strict headers to a response's header list (core/envelope.py calls this for
    every response, error pages included); values a view set on purpose are kept."""
    if blueprint in NO_STORE_BLUEPRINTS:
        _replace(headers, "Cache-Control", NO_STORE)
    if blueprint in NO_REFERRER_BLUEPRINTS:
        _replace(headers, "Referrer-Policy", NO_REFERRER)
    present = {name.lower() for name, _value in headers}
    headers.extend([pair for lowered, pair in _DEFAULTS_BY_NAME if lowered not in present])
    # Behind a proxy, the scheme is https only when ProxyFix trusts its X-Forwarded-Proto.
    if secure and "strict-transport-security" not in present:
        headers.append(("Strict-Transport-Security", HSTS))


def trust_proxies(app: Flask) -> None:
    """Honour X-Forwarded-For/-Proto/-Host/-Port from exactly PROXY_FIX_HOPS proxies."""
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
