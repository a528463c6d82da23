"""Honour certificates of both kinds of winner: award periods and the selection campaign.

Every certificate carries a token. One lookup resolves a token to its winner, whichever
kind, and one Certificate says what the printed certificate and the public verification
page show, read from what was frozen at publication: the award period's snapshot entry,
or the campaign's final StageResult. Both kinds verify at one address, built from the
route under PUBLIC_BASE_URL (core.urls.public_url).
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from core.extensions import db
from core.models import AwardStatus, AwardWinner, CampaignStage, StageResult
from core.services.awards.winners import snapshot_entry
from core.services.notices.announcements import is_final, period_notice, stage_notice
from core.services.people.cards import card_qr_svg
from core.urls import public_url

# Tokens are 43 characters (token_urlsafe(32)); anything much longer is not worth a query.
TOKEN_MAX = 64
VERIFY_ENDPOINT = "portal.stars_verify"


@dataclass(frozen=True)
class Certificate:
    """One winner, of an award period or of a campaign, as the certificate shows them."""

    name: str
    title: str
    branch: str
    award: str
    citation: str
    period_name: str
    starts_on: str
    ends_on: str
    rank: int
    token: str
    # False once the award period was withdrawn: the page says so, nothing prints.
    valid: bool
    verify_url: str
    # "award" (an award period) or "selection" (a campaign): which wall the page links to.
    kind: str

    @property
    def qr_svg(self) -> Markup:
        """The verification URL as a QR code, for the printed certificate."""
        return Markup(card_qr_svg(self.verify_url))  # noqa: S704 - generated SVG of our URL


def verification_url(token: str) -> str:
    """The public address of the verification page, printed as a QR code on the certificate."""
    return public_url(VERIFY_ENDPOINT, token=token)


def _by_token(model, token: str):
    """The row of `model` (AwardWinner or StageResult) that carries this token, else None."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return db.session.scalar(select(model).where(model.verification_token == token))


def award_winner_for_token(token: str) -> AwardWinner | None:
    """The award winner (draft, published or withdrawn) whose certificate has this token."""
    return _by_token(AwardWinner, token)


def award_winner_certificate(winner: AwardWinner) -> Certificate | None:
    """The certificate of a published (or withdrawn) award; None while it is a draft or
    its results are under public notice."""
    found = snapshot_entry(winner)
    if found is None:
        return None
    category, entry = found
    period = winner.category.period
    if period.status is AwardStatus.PUBLISHED and not is_final(period_notice(period.id)):
        return None  # under public notice: no certificate until the result is final
    frozen = period.snapshots[-1].results["period"]
    return Certificate(
        name=entry["name"],
        title=entry.get("title", ""),
        branch=entry["branch"],
        award=category["name"],
        citation=entry["citation"],
        period_name=frozen["name"],
        starts_on=frozen["starts_on"],
        ends_on=frozen["ends_on"],
        rank=entry["rank"],
        token=entry["token"],
        valid=period.status is AwardStatus.PUBLISHED,
        verify_url=verification_url(entry["token"]),
        kind="award",
    )


def selection_winner_certificate(winner: StageResult) -> Certificate:
    """The certificate of a published campaign's final winner, as frozen at publication."""
    campaign = winner.campaign
    return Certificate(
        name=winner.employee_name,
        title="",
        branch=winner.branch_name,
        award=_("Service Star"),
        citation=_(
            "Place %(rank)d of the selection: customers, colleagues, supervisors and judges.",
            rank=winner.rank,
        ),
        period_name=campaign.name,
        starts_on=campaign.starts_on.isoformat(),
        ends_on=campaign.ends_on.isoformat(),
        rank=winner.rank,
        token=winner.verification_token,
        valid=True,
        verify_url=verification_url(winner.verification_token),
        kind="selection",
    )


def certificate_for_token(token: str) -> Certificate | None:
    """The certificate this token verifies, of either kind; None when no published one has it.

    A draft award or an unpublished campaign has no certificate yet; a withdrawn award
    still has one, marked not valid.
    """
    award = award_winner_for_token(token)
    if award is not None:
        return award_winner_certificate(award)
    selected = _by_token(StageResult, token)
    if (
        selected is not None
        and selected.campaign.stage is CampaignStage.PUBLISHED
        and is_final(stage_notice(selected.campaign_id, CampaignStage.FINAL))
    ):
        return selection_winner_certificate(selected)
    return None
