"""The rate-limit check only where a limit can apply.

Flask-Limiter checks every request before the view, resolving the view's name and its
limits each time; on routes with no limit (health checks, pages, static files) that was
the dearest hook of the request. Here the check is skipped for an endpoint whose view
carries no limit, decided once per endpoint. With default, application or blueprint
limits configured, every request is checked as before.
"""

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name


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


def check_only_limited_routes(app: Flask, limiter: Limiter) -> None:
    """Wrap the limiter's before_request hook so it runs only where a limit applies."""
    hooks = app.before_request_funcs.setdefault(None, [])
    check = limiter._check_request_limit
    if check not in hooks:
        return  # another version registers differently: keep its own behaviour
    limited: dict[str | None, bool] = {}

    def check_if_limited():
        endpoint = request.endpoint
        needed = limited.get(endpoint)
        if needed is None:
            needed = _global_limits(limiter) or _endpoint_limited(app, limiter, endpoint)
            limited[endpoint] = needed
        if needed:
            return check()
        return None

    hooks[hooks.index(check)] = check_if_limited
