"""The organisation's logo and the favicon, served from this server with long caching."""

from flask import abort, current_app, send_file, send_from_directory

from core import branding, text
from portal import bp

YEAR = 365 * 24 * 3600


@bp.record_once
def _set_up(state) -> None:
    # The filters and the organisation are for every template (admin and staff too).
    text.init_app(state.app)
    branding.init_app(state.app)


@bp.get("/brand/logo")
def organisation_logo():
    """The configured logo file; its URL carries its version, so it is cached for a year."""
    path = branding.logo_path()
    if path is None:
        abort(404)
    response = send_file(path, mimetype=branding.logo_type(path), max_age=YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@bp.get("/favicon.ico")
def favicon():
    """For browsers that ask for /favicon.ico whatever the page links."""
    response = send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/x-icon", max_age=YEAR // 12
    )
    response.cache_control.public = True
    return response
