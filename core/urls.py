"""Public addresses for links that leave the site: QR codes, emails, printed certificates."""

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """The route's path under PUBLIC_BASE_URL, the same from any host or the command line.

    `url_for(_external=True)` would take the host of the current request, which behind a
    proxy or in a CLI command is not the address people can open.
    """
    path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"] + path
