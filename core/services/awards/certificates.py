"""Honour certificates: the frozen winner entry plus a QR code to the verification page."""

from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup

from core.models import AwardStatus, AwardWinner
from core.services.awards.winners import snapshot_entry
from core.services.people.cards import card_qr_svg


@dataclass(frozen=True)
class CertificateView:
    """What a certificate and the verification page show, read from the snapshot."""

    period_name: str
    starts_on: str
    ends_on: str
    category: str
    name: str
    title: str
    branch: str
    citation: str
    rank: int
    token: str
    valid: bool
    verify_url: str
    qr_svg: Markup


def verification_url(token: str) -> str:
    """The public address printed as a QR code on the certificate."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/stars/verify/{token}"


def certificate_view(winner: AwardWinner) -> CertificateView | None:
    """The certificate of a published (or withdrawn) award; None while it is a draft."""
    found = snapshot_entry(winner)
    if found is None:
        return None
    category, entry = found
    period = winner.category.period
    results_period = period.snapshots[-1].results["period"]
    url = verification_url(entry["token"])
    return CertificateView(
        period_name=results_period["name"],
        starts_on=results_period["starts_on"],
        ends_on=results_period["ends_on"],
        category=category["name"],
        name=entry["name"],
        title=entry.get("title", ""),
        branch=entry["branch"],
        citation=entry["citation"],
        rank=entry["rank"],
        token=entry["token"],
        valid=period.status is AwardStatus.PUBLISHED,
        verify_url=url,
        qr_svg=Markup(card_qr_svg(url)),  # noqa: S704 - generated SVG of a URL we built
    )
