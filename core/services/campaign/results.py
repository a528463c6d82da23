"""A campaign stage's results: rank the candidates, screen, freeze and publish snapshots.

Which sources feed a stage and how each is normalised: core.services.campaign.sources.
Screening: inactive or flagged candidates never rank; in the preliminary round neither do
those with fewer verified customers (one counted rating each, see sources) than the
campaign's minimum, nor, whatever the minimum, those without any: customers are all the
preliminary weighs. The composite and its tie-break (customer score) are
scoring.composite's; sources waived for a candidate (see waivers) scale the candidate's
other weights up to 100. A ranked candidate who lacks a weighed source that nobody waived
is a gap (stage_gaps): the stage does not close while there is one.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from core.extensions import db
from core.models import Campaign, CampaignStage, Employee, StageResult, utcnow
from core.models.campaign import EVALUATED_ROUNDS
from core.services.campaign.rounds import round_candidates
from core.services.campaign.sources import customer_channels, customer_totals, source_scores
from core.services.campaign.waivers import waived_sources
from core.services.notices.announcements import stage_is_final
from scoring.composite import CompositeResult, composite, rank_composites


@dataclass(frozen=True)
class CandidateResult:
    """One candidate's place in a stage; rank None when screened out (reason given)."""

    rank: int | None
    employee: Employee
    result: CompositeResult | None
    passed: bool
    screened_out: str
    rating_count: int
    # The counted customers by channel ({"online": 3, "paper": 1}), for the explanation.
    channels: dict


def screening_reason(
    campaign: Campaign, stage: CampaignStage, employee: Employee, count: int
) -> str:
    """Why the employee may not compete in this stage ("" when eligible)."""
    if not employee.active:
        return _("not active")
    if employee.disciplinary_flag:
        return _("disciplinary flag")
    needed = max(campaign.min_ratings, 1)
    if stage is CampaignStage.PRELIMINARY and count < needed:
        return _("%(count)d of %(min)d verified customers", count=count, min=needed)
    return ""


def pass_count(campaign: Campaign, stage: CampaignStage) -> int:
    """How many candidates the stage passes on (winners for the final)."""
    return {
        CampaignStage.PRELIMINARY: campaign.preliminary_pass,
        CampaignStage.SECOND: campaign.second_pass,
        CampaignStage.FINAL: campaign.winners,
    }[stage]


def stage_results(
    campaign: Campaign, stage: CampaignStage, as_of: datetime | None = None
) -> list[CandidateResult]:
    """The live results of a stage (as of `as_of`): ranked candidates, then the screened out."""
    candidates = round_candidates(campaign, stage)
    counts = {eid: count for eid, (count, _s) in customer_totals(campaign, as_of).items()}
    channels = customer_channels(campaign, as_of)
    sources = source_scores(campaign, stage, candidates, as_of)
    weights = campaign.weights[stage.value]
    waived = waived_sources(campaign, stage) if stage in EVALUATED_ROUNDS else {}
    by_id = {c.id: c for c in candidates}
    screened, composites = [], []
    for candidate in candidates:
        reason = screening_reason(campaign, stage, candidate, counts.get(candidate.id, 0))
        if reason:
            screened.append(
                CandidateResult(
                    None, candidate, None, False, reason, counts.get(candidate.id, 0),
                    channels.get(candidate.id, {}),
                )
            )  # fmt: skip
        else:
            composites.append(
                composite(
                    candidate.id,
                    candidate.display_name,
                    sources[candidate.id],
                    weights,
                    waived.get(candidate.id, ()),
                )
            )
    places = pass_count(campaign, stage)
    ranked = [
        CandidateResult(
            rank,
            by_id[r.candidate_id],
            r,
            rank <= places,
            "",
            counts.get(r.candidate_id, 0),
            channels.get(r.candidate_id, {}),
        )  # fmt: skip
        for rank, r in rank_composites(composites)
    ]
    return ranked + screened


def stage_gaps(results: list[CandidateResult]) -> list[tuple[Employee, list[str]]]:
    """Ranked candidates who lack a weighed source nobody waived, with those sources."""
    gaps = []
    for r in results:
        missing = [line.source for line in r.result.lines if line.missing] if r.result else []
        if missing:
            gaps.append((r.employee, missing))
    return gaps


def _lines(result: CompositeResult | None, channels: dict) -> list[dict]:
    """The composite's lines; the customer line also counts its customers by channel."""
    if result is None:
        return []
    return [
        {
            "source": line.source,
            "weight": line.weight,
            "raw": line.raw,
            "contribution": line.contribution,
            "missing": line.missing,
            "waived": line.waived,
            **({"channels": channels} if line.source == "customer" else {}),
        }
        for line in result.lines
    ]


def result_rows(results: list[CandidateResult]) -> list[dict]:
    """Live results as plain rows, the same shape as a snapshot (see snapshot_rows)."""
    return [
        {
            "employee_id": r.employee.id,
            "rank": r.rank,
            "name": r.employee.display_name,
            "branch": r.employee.branch.name,
            "total": r.result.total if r.result else 0.0,
            "passed": r.passed,
            "screened_out": r.screened_out,
            "lines": _lines(r.result, r.channels),
        }
        for r in results
    ]


def snapshot_rows(rows: list[StageResult]) -> list[dict]:
    """Frozen results as plain rows."""
    return [
        {
            "employee_id": r.employee_id,
            "rank": r.rank,
            "name": r.employee_name,
            "branch": r.branch_name,
            "total": r.total,
            "passed": r.passed,
            "screened_out": r.screened_out,
            "lines": r.lines,
        }
        for r in rows
    ]


def freeze_stage(
    campaign: Campaign,
    stage: CampaignStage,
    results: list[CandidateResult],
    frozen_at: datetime | None = None,
) -> None:
    """Store the stage's results as its published snapshot (the caller commits).

    `frozen_at`: the moment the results are as of (default now); a recomputation after an
    objection keeps the stage's closing moment, so `flask scores verify` reproduces it.
    """
    for row in result_rows(results):
        db.session.add(
            StageResult(
                campaign_id=campaign.id,
                stage=stage,
                employee_id=row["employee_id"],
                employee_name=row["name"],
                branch_name=row["branch"],
                rank=row["rank"],
                total=row["total"],
                passed=row["passed"],
                screened_out=row["screened_out"],
                lines=row["lines"],
                verification_token=(
                    secrets.token_urlsafe(32)
                    if stage is CampaignStage.FINAL and row["passed"]
                    else None
                ),
                published_at=frozen_at or utcnow(),
            )
        )
    db.session.flush()


def published_results(campaign: Campaign, stage: CampaignStage) -> list[StageResult]:
    """The frozen results of a published stage, ranked first, screened out last."""
    query = select(StageResult).filter_by(campaign_id=campaign.id, stage=stage)
    rows = list(db.session.scalars(query))
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.employee_name))


def published_winners(employee_id: int | None = None) -> list[StageResult]:
    """Winners of every published campaign whose final is final after its notice (for the
    public wall of fame; with `employee_id`, that employee's wins for their page), newest
    first."""
    query = (
        select(StageResult)
        .join(Campaign, Campaign.id == StageResult.campaign_id)
        .where(
            Campaign.stage == CampaignStage.PUBLISHED,
            StageResult.stage == CampaignStage.FINAL,
            StageResult.passed.is_(True),
            stage_is_final(Campaign.id, CampaignStage.FINAL),
        )
        .order_by(Campaign.id.desc(), StageResult.rank)
    )
    if employee_id is not None:
        query = query.where(StageResult.employee_id == employee_id)
    return list(db.session.scalars(query))
