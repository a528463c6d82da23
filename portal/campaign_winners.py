"""The published winners of selection campaigns: public wall, verification, certificates.

Everything here reads the frozen final-stage snapshot (StageResult), never live results.
"""

from flask import abort, current_app, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from core.extensions import limiter
from core.models import StageResult
from core.services.awards.certificates import CertificateView
from core.services.campaign.results import published_winners, winner_for_token
from core.services.people.cards import card_qr_svg
from portal import bp

PUBLIC_LIMIT = "120/minute"


def selection_certificate(winner: StageResult) -> CertificateView:
    """The honour certificate of a published campaign winner, as frozen at publication."""
    campaign = winner.campaign
    path = url_for("portal.selection_verify", token=winner.verification_token)
    url = current_app.config["PUBLIC_BASE_URL"] + path
    return CertificateView(
        period_name=campaign.name,
        starts_on=campaign.starts_on.isoformat(),
        ends_on=campaign.ends_on.isoformat(),
        category=_("Service Star"),
        name=winner.employee_name,
        title="",
        branch=winner.branch_name,
        citation=_(
            "Place %(rank)d of the selection: customers, colleagues, supervisors and judges.",
            rank=winner.rank,
        ),
        rank=winner.rank,
        token=winner.verification_token,
        valid=True,
        verify_url=url,
        qr_svg=Markup(card_qr_svg(url)),  # noqa: S704 - generated SVG of a URL we built
    )


@bp.get("/stars/selection")
@limiter.limit(PUBLIC_LIMIT)
def selection_wall():
    """The winners of every published selection campaign, newest first."""
    campaigns = {}
    for winner in published_winners():
        campaigns.setdefault(winner.campaign, []).append(winner)
    return render_template("portal/selection/wall.html", campaigns=campaigns)


@bp.get("/stars/selection/verify/<token>")
@limiter.limit(PUBLIC_LIMIT)
def selection_verify(token: str):
    """Is this selection certificate genuine? (404 when no published winner has it.)"""
    winner = winner_for_token(token)
    if winner is None:
        return render_template("portal/selection/verify.html", cert=None), 404
    return render_template("portal/selection/verify.html", cert=selection_certificate(winner))


@bp.get("/stars/selection/verify/<token>/certificate")
@limiter.limit(PUBLIC_LIMIT)
def selection_certificate_page(token: str):
    """The printable certificate (the award certificate's layout)."""
    winner = winner_for_token(token)
    if winner is None:
        abort(404)
    return render_template("portal/stars/certificate.html", cert=selection_certificate(winner))
