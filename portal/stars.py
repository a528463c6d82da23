"""The public walls of fame, certificate verification and printable certificates.

Everything here reads published snapshots only, never live rankings: the award periods'
AwardSnapshot and the selection campaigns' final StageResult; and only results that are
final, their public notice over with no objection open (core.services.notices). Both
kinds of certificate verify and print at one address, /stars/verify/<token>.
"""

from flask import abort, redirect, render_template, send_file, url_for

from core.extensions import limiter
from core.services.awards.certificates import award_winner_for_token, certificate_for_token
from core.services.awards.winners import published_periods
from core.services.campaign.results import published_winners
from core.services.people.photos import photos_dir
from portal import bp

PUBLIC_LIMIT = "120/minute"


@bp.get("/stars")
@limiter.limit(PUBLIC_LIMIT)
def stars():
    """The wall of fame: winners of the published periods, newest first, as published."""
    periods = [(p, p.snapshots[-1].results) for p in published_periods() if p.snapshots]
    return render_template("portal/stars/wall.html", periods=periods)


@bp.get("/stars/selection")
@limiter.limit(PUBLIC_LIMIT)
def selection_wall():
    """The winners of every published selection campaign, newest first."""
    campaigns = {}
    for winner in published_winners():
        campaigns.setdefault(winner.campaign, []).append(winner)
    return render_template("portal/selection/wall.html", campaigns=campaigns)


@bp.get("/stars/verify/<token>")
@limiter.limit(PUBLIC_LIMIT)
def stars_verify(token: str):
    """Is this certificate (award or selection) real? Valid, withdrawn, or unknown (404)."""
    cert = certificate_for_token(token)
    return render_template("portal/stars/verify.html", cert=cert), 200 if cert else 404


@bp.get("/stars/verify/<token>/certificate")
@limiter.limit(PUBLIC_LIMIT)
def stars_certificate(token: str):
    """The printable honour certificate (A4 landscape) of a published award or selection."""
    cert = certificate_for_token(token)
    if cert is None or not cert.valid:
        abort(404)
    return render_template("portal/stars/certificate.html", cert=cert)


# Selection certificates printed before verification was one page carry these addresses.
@bp.get("/stars/selection/verify/<token>")
@limiter.limit(PUBLIC_LIMIT)
def selection_verify(token: str):
    """An older selection certificate's QR code: verify at the one verification page."""
    return redirect(url_for("portal.stars_verify", token=token), 301)


@bp.get("/stars/selection/verify/<token>/certificate")
@limiter.limit(PUBLIC_LIMIT)
def selection_certificate_page(token: str):
    """An older selection certificate's print link: the one printable certificate."""
    return redirect(url_for("portal.stars_certificate", token=token), 301)


@bp.get("/stars/photo/<token>.jpg")
@limiter.limit(PUBLIC_LIMIT)
def stars_photo(token: str):
    """A winner's photo of a period on the wall (published and final); nobody else's."""
    winner = award_winner_for_token(token)
    if winner is None or winner.category.period not in published_periods():
        abort(404)
    name = winner.employee.photo
    path = photos_dir() / name if name else None
    if path is None or not path.is_file():
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=3600)
