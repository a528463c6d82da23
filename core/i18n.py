"""Locale selection: a remembered choice, else the browser's Accept-Language."""

from functools import lru_cache
from urllib.parse import urlsplit

from babel import Locale
from flask import current_app, has_request_context, redirect, request, url_for
from flask_babel import get_locale

from core.extensions import babel
from core.labels import channel_label, criterion_label, label
from core.localtime import local_time
from scoring.scores import display_score

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
# Names shown in the switch, each in its own language.
LOCALE_NAMES = {"en": "English", "zh_CN": "简体中文"}


def select_locale() -> str:
    """The cookie's locale if supported, else the best Accept-Language match, else the default."""
    if not has_request_context():
        # Command line and background work: the configured default.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    supported = current_app.config["SUPPORTED_LOCALES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in supported:
        return chosen
    # Browsers send zh-CN / zh-Hans / zh; all of them read Simplified Chinese here.
    matches = {"zh": "zh_CN", "zh-CN": "zh_CN", "zh-Hans": "zh_CN", "zh-SG": "zh_CN", "en": "en"}
    for value, _quality in request.accept_languages:
        for tag in (value, value.split("-")[0]):
            if matches.get(tag) in supported:
                return matches[tag]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def safe_local_target(target: str | None, fallback: str) -> str:
    """Return target if it is a path on this site, else the fallback (no open redirects)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target


def set_language(code: str):
    """Remember the chosen language in a cookie and go back to where the visitor was."""
    target = safe_local_target(request.args.get("next"), url_for("portal.home"))
    response = redirect(target)
    if code in current_app.config["SUPPORTED_LOCALES"]:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=LANG_COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def locale_choices() -> list[tuple[str, str]]:
    """(code, name) of each supported locale, each named in its own language, for a select."""
    return [
        (code, LOCALE_NAMES.get(code, code)) for code in current_app.config["SUPPORTED_LOCALES"]
    ]


def current_locale_code() -> str:
    """The active locale as configured ("zh_CN"; Babel itself says "zh_Hans_CN")."""
    locale = get_locale()
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def language_links() -> list[dict]:
    """The switch: one link per language, with the current one marked."""
    current = current_locale_code()
    here = request.full_path.rstrip("?") if request else "/"
    return [
        {
            "code": code,
            "name": LOCALE_NAMES.get(code, code),
            "current": code == current,
            "url": url_for("set_language", code=code, next=here),
        }
        for code in current_app.config["SUPPORTED_LOCALES"]
    ]


def html_lang() -> str:
    return current_locale_code().replace("_", "-")


@lru_cache(maxsize=16)
def _parsed(code: str) -> Locale:
    return Locale.parse(code)


def selected_locale() -> Locale:
    """select_locale() as the Locale Flask-Babel wants, parsed once per code, not per request."""
    return _parsed(select_locale())


def init_app(app) -> None:
    babel.init_app(
        app,
        locale_selector=selected_locale,
        default_translation_directories=str(app.root_path + "/../translations"),
    )
    app.add_url_rule("/lang/<code>", "set_language", set_language)
    app.add_template_filter(local_time)
    # {{ rating.status|label }}: the stored value's label (core.labels).
    app.add_template_filter(label)
    # {{ rating.score|display_score }}: the one rounding of scores (pages and CSV alike).
    app.add_template_filter(display_score)
    # {{ "paper"|channel_label }}: a customer vote's channel as stored in result lines.
    app.add_template_filter(channel_label)
    # {{ "judges:teamwork"|criterion_label }}: "Judges · Teamwork" (improvement plans).
    app.add_template_filter(criterion_label)
    app.jinja_env.globals.update(
        language_links=language_links, html_lang=html_lang, locale_code=current_locale_code
    )
