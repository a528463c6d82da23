"""The public wall of fame, award verification and printable certificates.

Everything here reads published snapshots only, never live rankings.
"""

from flask import abort, render_template, send_file

from core.extensions import limiter
from core.models import AwardStatus
from core.services.awards.certificates import certificate_view
from core.services.awards.winners import published_periods, winner_for_token
from core.services.people.photos import photos_dir
from portal import bp

PUBLIC_LIMIT = "120/minute"


@bp.get("/stars")
@limiter.limit(PUBLIC_LIMIT)
def stars():
    """The wall of fame: winners of the published periods, newest first, as published."""
    periods = [(p, p.snapshots[-1].results) for p in published_periods() if p.snapshots]
    return render_template("portal/stars/wall.html", periods=periods)


@bp.get("/stars/verify/<token>")
@limiter.limit(PUBLIC_LIMIT)
def stars_verify(token: str):
    """Is this certificate real? Valid, withdrawn, or unknown (404)."""
    winner = winner_for_token(token)
    view = certificate_view(winner) if winner else None
    if view is None:
        return render_template("portal/stars/verify.html", cert=None), 404
    return render_template("portal/stars/verify.html", cert=view)


@bp.get("/stars/verify/<token>/certificate")
@limiter.limit(PUBLIC_LIMIT)
def stars_certificate(token: str):
    """The printable honour certificate (A4 landscape) of a published award."""
    winner = winner_for_token(token)
    view = certificate_view(winner) if winner else None
    if view is None or not view.valid:
        abort(404)
    return render_template("portal/stars/certificate.html", cert=view)


@bp.get("/stars/photo/<token>.jpg")
@limiter.limit(PUBLIC_LIMIT)
def stars_photo(token: str):
    """A published winner's photo; nobody else's photo is public."""
    winner = winner_for_token(token)
    if winner is None or winner.category.period.status is not AwardStatus.PUBLISHED:
        abort(404)
    name = winner.employee.photo
    path = photos_dir() / name if name else None
    if path is None or not path.is_file():
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=3600)
