"""Extensions' per-request hooks, run only where they can act.

Flask-Limiter, Flask-WTF and Flask-Login each hook every request. On the cheap path (a
health probe, a page, a static file) they find nothing to do, but only after resolving
the view's limits, its CSRF exemption or the session, which together cost more than the
view. Each gate below decides, from what the request is, whether the hook can act, and
otherwise skips it. With default, application or blueprint limits configured, every
request is checked as before. A version that registers its hooks differently keeps its
own behaviour (the gate finds nothing to replace).
"""

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect


def _global_limits(limiter: Limiter) -> bool:
    manager = limiter.limit_manager
    return bool(
        manager.default_limits
        or manager.application_limits
        or getattr(manager, "_blueprint_limits", None)
    )


def _endpoint_limited(app: Flask, limiter: Limiter, endpoint: str | None) -> bool:
    view = app.view_functions.get(endpoint or "")
    if view is None:
        return True  # unmatched: let the limiter decide, as before
    marked = get_qualified_name(view) in limiter._marked_for_limiting
    return marked or limiter.limit_manager.has_hints(endpoint)


def _replace(hooks: list, hook, gated) -> bool:
    if hook not in hooks:
        return False
    hooks[hooks.index(hook)] = gated
    return True


def limiter_only_where_limited(app: Flask, limiter: Limiter) -> None:
    """The limiter's check, its headers and its cleanup, only on endpoints with a limit
    (decided once per endpoint)."""
    limited: dict[str | None, bool] = {}

    def applies() -> bool:
        endpoint = request.endpoint
        needed = limited.get(endpoint)
        if needed is None:
            needed = _global_limits(limiter) or _endpoint_limited(app, limiter, endpoint)
            limited[endpoint] = needed
        return needed

    def check():
        return limiter._check_request_limit() if applies() else None

    before = app.before_request_funcs.setdefault(None, [])
    if not _replace(before, limiter._check_request_limit, check):
        return
    after = app.after_request_funcs.setdefault(None, [])
    for hook in list(after):
        if getattr(hook, "args", None) == (limiter,):  # partial(Limiter.__inject_headers, it)

            def add_headers(response, hook=hook):
                return hook(response) if applies() else response

            _replace(after, hook, add_headers)
    release = getattr(limiter, "_Limiter__release_context", None)

    def release_if_used(error=None):
        if applies():
            release(error)

    _replace(app.teardown_request_funcs.setdefault(None, []), release, release_if_used)


def csrf_only_on_unsafe_methods(app: Flask, csrf: CSRFProtect) -> None:
    """Flask-WTF's check, only on the methods it protects (it looks up the view's
    exemption first, on every GET too)."""
    before = app.before_request_funcs.setdefault(None, [])
    for hook in list(before):
        if getattr(hook, "__qualname__", "") == "CSRFProtect.init_app.<locals>.csrf_protect":

            def gated(hook=hook):
                if request.method in current_app.config["WTF_CSRF_METHODS"]:
                    return hook()
                return None

            _replace(before, hook, gated)


def remember_cookie_only_with_cookies(app: Flask, login_manager: LoginManager) -> None:
    """Flask-Login's remember-cookie update, only on requests that brought cookies.

    It acts on "_remember" or "_user_id" in the session, which come from the session
    cookie, or from a sign-in in this request, whose form always brings the session cookie
    of its CSRF token. Asking the session on every request would also mark it accessed,
    and add `Vary: Cookie` to responses that depend on no cookie.
    """
    after = app.after_request_funcs.setdefault(None, [])
    update = login_manager._update_remember_cookie

    def gated(response):
        return update(response) if request.cookies else response

    _replace(after, update, gated)


def init_app(app: Flask, limiter: Limiter, csrf: CSRFProtect, login_manager: LoginManager) -> None:
    limiter_only_where_limited(app, limiter)
    csrf_only_on_unsafe_methods(app, csrf)
    remember_cookie_only_with_cookies(app, login_manager)
