"""The sections of the employee's private page, as plain data for templates/staff/.

The views build them here and pass them to the template, which only renders them:
standing, ratings received (with the reply and dispute forms), points, rewards, awards,
award periods under public notice (with the objection form) and the branch's campaigns.
"""

from dataclasses import dataclass

from core.forms import RedeemForm
from core.i18n import current_locale_code
from core.models import (
    AwardWinner,
    Campaign,
    Employee,
    PeriodTier,
    Rating,
    Redemption,
    Reward,
    StageResult,
)
from core.services.awards.winners import awards_of
from core.services.campaign.results import published_winners
from core.services.campaign.setup import campaigns_for_branch
from core.services.notices.award_notices import AwardNotice, award_notices_of
from core.services.periods import current_period_key
from core.services.points.commitments import WinnerReward, winner_rewards
from core.services.points.ledger import balance_of
from core.services.points.ledger_lines import LedgerLine, ledger_lines
from core.services.points.redemptions import held_points, redemptions_of
from core.services.points.rewards import catalogue, within_tier
from core.services.points.rules import current_points_rules
from core.services.points.tiers import TierOutlook, fixed_tiers, latest_tier, tier_outlook
from core.services.ratings.leaderboard import Standing, employee_standing
from core.services.ratings.staff_replies import rating_received, ratings_received
from core.services.settings import dimension_labels
from scoring.points import PointsRules
from staff.forms import CancelRequestForm, DisputeForm, ObjectionForm, ReplyForm

# Ten of each per page keeps the page a few phone screens long; older ones are paged.
RATINGS_PER_PAGE = 6
LEDGER_PER_PAGE = 10


@dataclass
class StaffSections:
    """Everything the employee's sections show."""

    period_key: str
    standing: Standing | None
    ratings: list[Rating]
    ratings_page: int
    more_ratings: bool  # older ratings on the next page
    balance: int
    held: int  # by open reward requests; available = balance - held
    tier: TierOutlook
    fixed_tiers: list[PeriodTier]
    entries: list[LedgerLine]
    ledger_page: int
    more_entries: bool
    rules: PointsRules
    surprise_standard: str  # in the reader's language
    rewards: list[Reward]
    redemptions: list[Redemption]
    awards: list[AwardWinner]
    campaign_wins: list[StageResult]  # Service Star selections won
    winner_rewards: list[WinnerReward]  # what the places won gave, and its state
    campaigns: list[Campaign]
    labels: dict[str, str]
    redeem: RedeemForm
    cancel: CancelRequestForm
    replies: dict[int, ReplyForm]
    disputes: dict[int, DisputeForm]
    # Award periods under public notice where the employee is a candidate, with forms.
    award_notices: list[AwardNotice]
    objections: dict[int, ObjectionForm]  # by notice id


def objection_form(notice_id: int) -> ObjectionForm:
    """The objection to one award period's results (prefixed: several may be shown)."""
    return ObjectionForm(prefix=f"objection{notice_id}")


def redeem_form(available: int, rewards: list[Reward], tier: int) -> RedeemForm:
    """The reward request, offering the active rewards in stock that the available points
    (the balance less what open requests hold) cover and the employee's tier reaches."""
    form = RedeemForm(prefix="redeem")
    form.reward_id.choices = [
        (r.id, f"{r.name} ({r.cost})")
        for r in rewards
        if r.cost <= available and r.stock != 0 and within_tier(r, tier)
    ]
    return form


def _page_of(rows: list, per_page: int) -> tuple[list, bool]:
    """One page from `per_page + 1` rows read, and whether there are more."""
    return rows[:per_page], len(rows) > per_page


def _ratings_shown(employee: Employee, page: int, failed) -> tuple[list[Rating], bool]:
    """The page of ratings, newest first; a rating whose reply or dispute failed is shown
    too, wherever it is, so that what was typed is not lost."""
    offset = (page - 1) * RATINGS_PER_PAGE
    rows = ratings_received(employee.id, limit=RATINGS_PER_PAGE + 1, offset=offset)
    ratings, more = _page_of(rows, RATINGS_PER_PAGE)
    if failed is not None and failed[1] is not None:
        answered = rating_received(employee.id, failed[1])
        if answered is not None and answered not in ratings:
            ratings.insert(0, answered)
    return ratings, more


def staff_sections(
    employee: Employee, failed=None, ratings_page: int = 1, ledger_page: int = 1
) -> StaffSections:
    """The data of the employee's sections; `failed` keeps a form with its errors.

    `failed` is (kind, id, form): kind "redeem" (id None), "replies" or "disputes" (a
    rating's id), "objections" (an award notice's id); that form replaces the empty one,
    so nothing typed is lost. Ratings and the ledger are paged, newest (this period) first.
    """
    key = current_period_key()
    rules = current_points_rules()
    balance = balance_of(employee.id)
    held = held_points([employee.id]).get(employee.id, 0)
    rewards = catalogue(active_only=True)
    ratings, more_ratings = _ratings_shown(employee, ratings_page, failed)
    ledger_offset = (ledger_page - 1) * LEDGER_PER_PAGE
    lines = ledger_lines(employee.id, limit=LEDGER_PER_PAGE + 1, offset=ledger_offset)
    entries, more_entries = _page_of(lines, LEDGER_PER_PAGE)
    standing = employee_standing(employee.id, key)
    award_notices = award_notices_of(employee.id)
    sections = StaffSections(
        period_key=key,
        standing=standing,
        ratings=ratings,
        ratings_page=ratings_page,
        more_ratings=more_ratings,
        balance=balance,
        held=held,
        tier=tier_outlook(employee.id, standing.overall if standing else None),
        fixed_tiers=fixed_tiers(employee.id),
        entries=entries,
        ledger_page=ledger_page,
        more_entries=more_entries,
        rules=rules,
        surprise_standard=rules.standard_text(current_locale_code()),
        rewards=rewards,
        redemptions=redemptions_of(employee.id),
        awards=awards_of(employee.id),
        campaign_wins=published_winners(employee.id),
        winner_rewards=winner_rewards(employee.id),
        campaigns=campaigns_for_branch(employee.branch_id),
        labels=dimension_labels(),
        redeem=redeem_form(balance - held, rewards, latest_tier(employee.id)),
        cancel=CancelRequestForm(),
        replies={r.id: ReplyForm(prefix=f"reply{r.id}", reply=r.reply) for r in ratings},
        disputes={r.id: DisputeForm(prefix=f"dispute{r.id}") for r in ratings},
        award_notices=award_notices,
        objections={
            n.notice.id: objection_form(n.notice.id)
            for n in award_notices
            if n.open and n.objection is None
        },
    )
    if failed is not None:
        kind, rating_id, form = failed
        if kind == "redeem":
            sections.redeem = form
        else:
            getattr(sections, kind)[rating_id] = form
    return sections
