"""Winners' rewards in the admin area: the rewards of each place of a campaign or an award
category, and the commitments to winners with "mark delivered"."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin import bp
from admin.access import admin_required
from admin.forms import EmptyForm
from admin.pages import form_page
from admin.place_reward_forms import NONE_CHOSEN, PlaceRewardForm
from core.actions import attempt
from core.extensions import db
from core.forms import to_choices
from core.models import (
    AwardCategory,
    Campaign,
    CommitmentKind,
    PlaceReward,
    PlaceRewardKind,
    Role,
    User,
    utcnow,
)
from core.services.periods import local_day
from core.services.points.commitments import (
    closed_commitments,
    deliver_commitment,
    open_commitments,
)
from core.services.points.place_reward_setup import (
    PlaceRewardData,
    add_place_reward,
    is_settled,
    remove_place_reward,
    rewards_of,
)
from core.services.points.rewards import catalogue


def _form() -> PlaceRewardForm:
    """The add form with today's catalogue and the people who may deliver a promise."""
    form = PlaceRewardForm()
    form.reward_id.choices = to_choices(
        [NONE_CHOSEN, *((r.id, r.name) for r in catalogue(active_only=True))]
    )
    owners = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_([Role.ADMIN, Role.MANAGER]))
        .order_by(User.email)
    )
    form.owner_id.choices = to_choices([NONE_CHOSEN, *((u.id, u.name or u.email) for u in owners)])
    return form


def _data(form: PlaceRewardForm) -> PlaceRewardData:
    """The typed reward; a "none" choice is None."""
    kind = form.commitment_kind.data
    return PlaceRewardData(
        place=form.place.data,
        kind=PlaceRewardKind(form.kind.data),
        points=form.points.data,
        reward_id=form.reward_id.data or None,
        commitment_kind=CommitmentKind(kind) if kind else None,
        description=form.description.data or "",
        owner_id=form.owner_id.data or None,
        due_days=form.due_days.data,
    )


def _owner_url(owner: Campaign | AwardCategory) -> str:
    if isinstance(owner, Campaign):
        return url_for("admin.campaign_rewards", campaign_id=owner.id)
    return url_for("admin.award_category_rewards", period_id=owner.period_id, category_id=owner.id)


def _back_url(owner: Campaign | AwardCategory) -> str:
    if isinstance(owner, Campaign):
        return url_for("admin.campaign_detail", campaign_id=owner.id)
    return url_for("admin.award_detail", period_id=owner.period_id)


def _rewards_page(owner: Campaign | AwardCategory, title: str):
    """The owner's place rewards and the add form; adds on a valid POST."""
    form = _form()
    if form.validate_on_submit() and attempt(
        lambda: add_place_reward(owner, _data(form), current_user),
        _("Reward added to place %(n)d.", n=form.place.data),
        form=form,
    ):
        return redirect(_owner_url(owner))
    owner = db.session.get(type(owner), owner.id)  # fresh after a refusal's rollback
    return form_page(
        "admin/place_rewards/page.html",
        form,
        title=title,
        back=_back_url(owner),
        rewards=rewards_of(owner),
        settled=is_settled(owner),
        button=EmptyForm(),
    )


@bp.route("/campaigns/<int:campaign_id>/rewards", methods=["GET", "POST"])
@admin_required
def campaign_rewards(campaign_id: int):
    """What each winning place of the campaign gets."""
    campaign = db.get_or_404(Campaign, campaign_id)
    return _rewards_page(campaign, campaign.name)


@bp.route("/awards/<int:period_id>/categories/<int:category_id>/rewards", methods=["GET", "POST"])
@admin_required
def award_category_rewards(period_id: int, category_id: int):
    """What each winning place of the award category gets."""
    category = db.get_or_404(AwardCategory, category_id)
    if category.period_id != period_id:
        abort(404)
    return _rewards_page(category, f"{category.period.name} · {category.name}")


@bp.post("/place-rewards/<int:place_reward_id>/remove")
@admin_required
def place_reward_remove(place_reward_id: int):
    """Take a reward off its place while the results are not published."""
    row = db.get_or_404(PlaceReward, place_reward_id)
    back = _owner_url(row.campaign or row.category)
    if EmptyForm().validate_on_submit():
        attempt(lambda: remove_place_reward(place_reward_id, current_user), _("Reward removed."))
    return redirect(back)


@bp.get("/commitments")
@admin_required
def commitment_list():
    """Promises to winners: open ones soonest due first (overdue marked), then the latest
    delivered or cancelled."""
    return render_template(
        "admin/place_rewards/commitments.html",
        open=open_commitments(),
        closed=closed_commitments(),
        today=local_day(utcnow()),
        button=EmptyForm(),
    )


@bp.post("/commitments/<int:commitment_id>/deliver")
@admin_required
def commitment_deliver(commitment_id: int):
    """Record that a promise to a winner was kept."""
    if EmptyForm().validate_on_submit():
        attempt(lambda: deliver_commitment(commitment_id, current_user), _("Marked delivered."))
    return redirect(url_for("admin.commitment_list"))
