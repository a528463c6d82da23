"""The reward catalogue: admins add and edit rewards; everyone signed in may read it."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import admin_required, staff_required
from admin.pages import form_page
from admin.points_forms import RewardForm
from core.actions import attempt
from core.extensions import db
from core.models import Reward
from core.services.points.rewards import RewardFields, catalogue, create_reward, update_reward


def _fields(form: RewardForm) -> RewardFields:
    """The reward as typed into the form."""
    return RewardFields(
        name=form.name.data,
        description=form.description.data or "",
        kind=form.reward_kind,
        cost=form.cost.data,
        stock=form.stock.data,
        active=form.active.data,
        min_tier=form.min_tier.data,
    )


@bp.get("/rewards")
@staff_required
def reward_list():
    """The whole reward catalogue."""
    return render_template("admin/rewards/list.html", rewards=catalogue())


@bp.route("/rewards/new", methods=["GET", "POST"])
@admin_required
def reward_create():
    """Add a reward to the catalogue."""
    return _save_reward(RewardForm(), None)


@bp.route("/rewards/<int:reward_id>", methods=["GET", "POST"])
@admin_required
def reward_edit(reward_id: int):
    """Change a reward: text, cost, stock, or whether it is offered."""
    reward = db.session.get(Reward, reward_id) or abort(404)
    return _save_reward(RewardForm(obj=reward, kind=reward.kind.value), reward)


def _save_reward(form: RewardForm, reward: Reward | None):
    """Add the reward (None) or update it from the form; the form again if refused."""
    if form.validate_on_submit() and attempt(
        lambda: (
            create_reward(_fields(form), current_user)
            if reward is None
            else update_reward(reward, _fields(form), current_user)
        ),
        _("Reward added.") if reward is None else _("Reward saved."),
        form=form,
        field="name",
    ):
        return redirect(url_for("admin.reward_list"))
    return form_page("admin/rewards/form.html", form, reward=reward)
