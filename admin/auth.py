"""Signing in and out; every admin page needs a live server-side session.

The signed cookie holds only a random session secret ("sid"); its SHA-256 is a
UserSession row. Logging out or disabling the account deletes the row, so a
copied cookie stops working at once.
"""

import time

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from admin import bp
from admin.access import home_endpoint
from admin.forms import LoginForm
from admin.pages import form_page
from core.actions import attempt
from core.extensions import limiter, login_manager
from core.i18n import safe_local_target
from core.services.people.accounts import authenticate, end_session, start_session, user_for_session
from core.services.people.users import normalise_login_email

# The session key under which the cookie carries the server-side session secret.
SESSION_SID = "sid"
# The session key of the last time (epoch seconds) the signed-in user made a request.
SESSION_SEEN = "seen"
# Pages of the admin blueprint that a stranger may open.
PUBLIC_ENDPOINTS = {"admin.login"}

login_manager.login_view = "admin.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "error"


@login_manager.user_loader
def load_user(user_id: str):
    """The signed-in user of a live, recently used session, or None."""
    if _idle_too_long():
        return None
    user = user_for_session(user_id, session.get(SESSION_SID))
    if user is not None:
        session[SESSION_SEEN] = int(time.time())
    return user


def _idle_too_long() -> bool:
    """An admin desk left alone signs itself out; the time rides in the signed cookie."""
    idle_limit = current_app.config.get("ADMIN_IDLE_MINUTES", 60) * 60
    return time.time() - session.get(SESSION_SEEN, 0) > idle_limit


def _login_email_key() -> str:
    return "login-email:" + normalise_login_email(request.form.get("email", ""))[:254]


def _login_limit() -> str:
    return current_app.config.get("LOGIN_RATE_LIMIT", "10/minute")


@bp.before_app_request
def forget_cached_user():
    """Load the user afresh on every request.

    Flask-Login caches the user on `g`, which lives as long as the app context;
    where one context serves several requests (tests, CLI), a stale user would
    survive a logout.
    """
    g.pop("_login_user", None)


@bp.before_request
def require_sign_in():
    """Every admin page but the login form needs a signed-in user."""
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.after_request
def no_store(response):
    """Admin pages carry personal data: never keep them in a browser or proxy cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _landing(user) -> str:
    """Where a signed-in user goes: the page asked for (?next=), else their home page."""
    return safe_local_target(request.args.get("next"), url_for(home_endpoint(user)))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email_key)
def login():
    """The sign-in form; a success starts a new server-side session."""
    if current_user.is_authenticated:
        return redirect(_landing(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        signed_in = attempt(
            lambda: authenticate(form.email.data, form.password.data),
            None,
            form=form,
            field="password",
        )
        if signed_in:
            # A new session at every login: nothing planted before it survives.
            session.clear()
            session[SESSION_SID] = start_session(signed_in.value, request.user_agent.string)
            session[SESSION_SEEN] = int(time.time())
            login_user(signed_in.value)
            return redirect(_landing(signed_in.value))
    return form_page("admin/auth/login.html", form)


@bp.post("/logout")
def logout():
    """End the server-side session, so a copied cookie stops working too."""
    # CSRFProtect has checked the token of this POST already.
    end_session(session.get(SESSION_SID))
    logout_user()
    session.clear()
    flash(_("You are signed out."), "success")
    return redirect(url_for("admin.login"))
