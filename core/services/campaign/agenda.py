"""What each running campaign waits for, for the dashboard.

A campaign not yet published waits for:
- a date of its schedule that is today or past (site-local day) while the stage it dates
  is still to come or open: registration closing (registration stage), the second round
  (until the second round closes), the final (until the final closes). The admin
  advances stages by hand, so a date reached is a reminder, not an automatic move;
- the ranked candidates of the current stage who lack a weighed source nobody waived
  (results.stage_gaps): the stage does not close while there is one;
- the branches of the current candidates without an active manager: nobody but an admin
  can give their supervisor evaluations (see evaluations.supervises);
- the judges of the open round's panel who have not scored every candidate they may score
  (not those of branches they manage).
A manager sees the campaigns of their branches, and only their branches' candidates.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from core.extensions import db
from core.models import Campaign, CampaignStage, Employee, JudgeScore, Role
from core.models.campaign import EVALUATED_ROUNDS
from core.services.campaign.evaluations import judge_conflict, unmanaged_branch_ids
from core.services.campaign.results import stage_gaps, stage_results
from core.services.campaign.rounds import RANKED_STAGES, STAGE_ORDER, panel_of, round_candidates
from core.services.periods import local_day

# Each dated stage and the campaign column that dates it.
DATED_STAGES = (
    (CampaignStage.REGISTRATION, "registration_closes_on"),
    (CampaignStage.SECOND, "second_round_on"),
    (CampaignStage.FINAL, "final_on"),
)


@dataclass(frozen=True)
class DueDate:
    """A dated stage whose day has come (today) or passed, and that is not closed yet."""

    stage: CampaignStage
    day: date
    today: bool


@dataclass(frozen=True)
class Gap:
    """A candidate who lacks weighed sources of the current stage."""

    employee_id: int
    name: str
    branch: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class JudgeBehind:
    """A panel judge with candidates of the open round still to score."""

    name: str
    unscored: int


@dataclass(frozen=True)
class CampaignAgenda:
    """What one campaign waits for."""

    campaign_id: int
    name: str
    stage: CampaignStage
    # True while a round is open for evaluation (the evaluations page exists).
    evaluating: bool
    due: tuple[DueDate, ...]
    gaps: tuple[Gap, ...]
    unmanaged_branches: tuple[str, ...]
    judges: tuple[JudgeBehind, ...]

    @property
    def waiting(self) -> bool:
        return bool(self.due or self.gaps or self.unmanaged_branches or self.judges)


def due_dates(campaign: Campaign, today: date) -> list[DueDate]:
    """The campaign's dated stages reached by `today` and not closed yet."""
    place = STAGE_ORDER.index(campaign.stage)
    due = []
    for stage, column in DATED_STAGES:
        day = getattr(campaign, column)
        if day is not None and day <= today and place <= STAGE_ORDER.index(stage):
            due.append(DueDate(stage, day, day == today))
    return due


def _candidates(campaign: Campaign) -> list[Employee]:
    """The current stage's candidates (the registrants while registration is open)."""
    stage = campaign.stage
    return round_candidates(
        campaign, stage if stage in RANKED_STAGES else CampaignStage.PRELIMINARY
    )


def _gaps(campaign: Campaign, visible) -> list[Gap]:
    if campaign.stage not in RANKED_STAGES:
        return []
    return [
        Gap(employee.id, employee.display_name, employee.branch.name, tuple(sources))
        for employee, sources in stage_gaps(stage_results(campaign, campaign.stage))
        if visible(employee.branch_id)
    ]


def _unmanaged(candidates: list[Employee], visible) -> list[str]:
    unmanaged = unmanaged_branch_ids()
    return sorted(
        {c.branch.name for c in candidates if c.branch_id in unmanaged and visible(c.branch_id)}
    )


def _judges_behind(campaign: Campaign, candidates: list[Employee]) -> list[JudgeBehind]:
    if campaign.stage not in EVALUATED_ROUNDS:
        return []
    behind = []
    for judge in panel_of(campaign, campaign.stage):
        if judge.role is not Role.JUDGE or not judge.active:
            continue
        scored = set(
            db.session.scalars(
                select(JudgeScore.candidate_id).filter_by(
                    campaign_id=campaign.id, round=campaign.stage, judge_id=judge.id
                )
            )
        )
        unscored = sum(1 for c in candidates if c.id not in scored and not judge_conflict(judge, c))
        if unscored:
            behind.append(JudgeBehind(judge.name or judge.email, unscored))
    return behind


def campaign_agenda(campaign: Campaign, branch_ids: set[int] | None, today: date) -> CampaignAgenda:
    """What the campaign waits for, seen from the branches `branch_ids` (None: all)."""

    def visible(branch_id: int) -> bool:
        return branch_ids is None or branch_id in branch_ids

    candidates = _candidates(campaign)
    return CampaignAgenda(
        campaign_id=campaign.id,
        name=campaign.name,
        stage=campaign.stage,
        evaluating=campaign.stage in EVALUATED_ROUNDS,
        due=tuple(due_dates(campaign, today)),
        gaps=tuple(_gaps(campaign, visible)),
        unmanaged_branches=tuple(_unmanaged(candidates, visible)),
        judges=tuple(_judges_behind(campaign, candidates)),
    )


def campaigns_waiting(
    branch_ids: set[int] | None, moment: datetime | None = None
) -> list[CampaignAgenda]:
    """The campaigns not yet published, in the branches `branch_ids` (None: all), that wait.

    Oldest campaign first; `moment` (now) fixes the site-local day the dates compare to.
    """
    today = local_day(moment or datetime.now(UTC))
    campaigns = db.session.scalars(
        select(Campaign).where(Campaign.stage != CampaignStage.PUBLISHED).order_by(Campaign.id)
    ).all()
    agendas = [
        campaign_agenda(campaign, branch_ids, today)
        for campaign in campaigns
        if branch_ids is None or branch_ids & campaign.branch_ids
    ]
    return [agenda for agenda in agendas if agenda.waiting]
