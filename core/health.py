"""Probes for load balancers: /healthz (the process answers), /readyz (the database answers)."""

import logging

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.extensions import db, limiter
from core.security import NO_STORE, no_store

bp = Blueprint("health", __name__)
# Probes come every few seconds from every balancer: the answer is the same bytes each time.
HEALTHY = b'{"status":"ok"}\n'
HEALTHY_HEADERS = (("Content-Type", "application/json"), ("Cache-Control", NO_STORE))
log = logging.getLogger("service_star.health")


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process is up and serving requests."""
    return current_app.response_class(HEALTHY, headers=HEALTHY_HEADERS)


@bp.get("/readyz")
@limiter.exempt
@no_store
def readyz():
    """The database answers SELECT 1: 200, else 503 so the balancer sends traffic elsewhere."""
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError as error:
        log.warning("database not ready", extra={"fields": {"error": type(error).__name__}})
        _discard_session()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def _discard_session() -> None:
    # A dead connection can make rollback itself fail; the pool replaces it next time.
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.invalidate()


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
