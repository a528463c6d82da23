"""A branch's staff noticeboard (/me/board/<secret>): announced selection results and the
rules of points and rewards, for everyone in the staff room; nothing private."""

from flask import abort, render_template

from core.extensions import limiter
from core.i18n import current_locale_code
from core.services.campaign.results import published_results
from core.services.campaign.rounds import RANKED_STAGES
from core.services.campaign.setup import campaigns_for_branch
from core.services.notices.announcements import in_notice, is_final, stage_notice
from core.services.people.noticeboards import branch_for_noticeboard
from core.services.points.place_reward_setup import award_rewards_on_offer, rewards_of
from core.services.points.rewards import catalogue
from core.services.points.rules import current_points_rules, current_rule_set
from staff import bp
from staff.access import PAGE_LIMIT


def _state(notice) -> str:
    """ "final", "open" (objections may be filed) or "answering" (objections still open)."""
    if is_final(notice):
        return "final"
    return "open" if in_notice(notice) else "answering"


def _announced(campaign) -> list[tuple]:
    """(stage, names going through, candidates, notice, its state) of each closed stage of
    the campaign, in order; the notice says until when candidates may object."""
    stages = []
    for stage in RANKED_STAGES:
        rows = published_results(campaign, stage)
        if rows:
            notice = stage_notice(campaign.id, stage)
            passed = [r for r in rows if r.passed]
            stages.append((stage, passed, len(rows), notice, _state(notice)))
    return stages


@bp.get("/board/<secret>")
@limiter.limit(PAGE_LIMIT)
def noticeboard(secret: str):
    """The branch's noticeboard; 404 for an unknown or revoked link."""
    branch = branch_for_noticeboard(secret)
    if branch is None:
        abort(404)
    rules, rule_set = current_points_rules(), current_rule_set()
    return render_template(
        "staff/noticeboard.html",
        branch=branch,
        campaigns=[(c, _announced(c), rewards_of(c)) for c in campaigns_for_branch(branch.id)],
        award_rewards=award_rewards_on_offer(),
        rules=rules,
        standard=rules.standard_text(current_locale_code()),
        since=rule_set.created_at if rule_set is not None else None,
        rewards=catalogue(active_only=True),
    )
