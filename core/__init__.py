"""Service Star: the shared kernel (app factory, config, extensions, models, CLI)."""

from pathlib import Path

from dotenv import load_dotenv
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_overrides: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, error pages, commands."""
    load_dotenv(ROOT / ".env")
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from core.config import check_production, load_config

    app.config.update(load_config(app.instance_path))
    app.config.update(config_overrides or {})
    check_production(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_signal_receivers()
    register_middleware(app)
    return app


def register_signal_receivers() -> None:
    """Import the modules whose receivers act when a result becomes final or is withdrawn
    (core.services.notices.events), so they listen whichever entry point started us."""
    from core.services.points import place_rewards  # noqa: F401


def register_extensions(app: Flask) -> None:
    from core import database, hook_gates, i18n, observability, sessions
    from core.extensions import csrf, db, limiter, login_manager, migrate

    observability.init_app(app)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    sessions.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    # Last: the gates replace hooks the extensions above registered.
    hook_gates.init_app(app, limiter, csrf, login_manager)
    from core.services.messaging import queue

    queue.init_app(app)


def register_middleware(app: Flask) -> None:
    """The WSGI layers around Flask, innermost first: the card lane answers a fresh scan
    it answered moments ago, ProxyFix trusts the configured proxies, and the envelope gives
    every request, even one no later layer accepts, an id, the strict headers and a log line."""
    from core import envelope, security
    from portal import card_lane

    card_lane.init_app(app)
    security.trust_proxies(app)
    envelope.init_app(app)


def register_blueprints(app: Flask) -> None:
    import admin
    import portal
    import staff
    from core import health

    health.init_app(app)
    for package in (portal, admin, staff):
        app.register_blueprint(package.bp)


def register_errorhandlers(app: Flask) -> None:
    from core import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from core import cli

    cli.init_app(app)
