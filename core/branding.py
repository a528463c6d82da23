"""The organisation's name and logo (ORGANISATION_NAME, ORGANISATION_LOGO) as pages show them.

The logo is a file on this server, served by the app itself (never fetched from
elsewhere) at an address that changes with the file, so browsers may keep it a year.
Absent settings, or a logo file that is not there, show nothing.
"""

from dataclasses import dataclass
from pathlib import Path

from flask import current_app, url_for

LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
LOGO_ENDPOINT = "portal.organisation_logo"


@dataclass(frozen=True)
class Organisation:
    name: str
    logo_url: str  # empty without a usable logo


def logo_path() -> Path | None:
    """The configured logo file when it exists and is a PNG, JPEG or SVG, else None."""
    setting = current_app.config.get("ORGANISATION_LOGO") or ""
    if not setting:
        return None
    path = Path(setting)
    if path.suffix.lower() not in LOGO_TYPES or not path.is_file():
        return None
    return path


def logo_type(path: Path) -> str:
    return LOGO_TYPES[path.suffix.lower()]


def organisation() -> Organisation | None:
    """The organisation to show, or None when neither a name nor a usable logo is set."""
    name = (current_app.config.get("ORGANISATION_NAME") or "").strip()
    path = logo_path()
    if not name and path is None:
        return None
    # The file's modification time in the address: a new logo is a new URL.
    logo_url = url_for(LOGO_ENDPOINT, v=int(path.stat().st_mtime)) if path else ""
    return Organisation(name=name, logo_url=logo_url)


def init_app(app) -> None:
    app.jinja_env.globals["organisation"] = organisation
