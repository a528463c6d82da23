"""The reward catalogue: admins add and edit rewards; everyone signed in may read it."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import admin_required, staff_required
from admin.scheme_forms import RewardForm
from core.extensions import db
from core.models import Reward
from core.services import DomainError
from core.services.points.rewards import (
    RewardFields,
    award_status_label,
    catalogue,
    create_reward,
    entry_kind_label,
    redemption_status_label,
    reward_kind_labels,
    update_reward,
)


@bp.app_context_processor
def scheme_labels():
    """Label helpers for ledger kinds, redemption states and reward kinds, in every template."""
    return {
        "award_status_label": award_status_label,
        "entry_kind_label": entry_kind_label,
        "redemption_status_label": redemption_status_label,
        "reward_kind_label": lambda kind: reward_kind_labels()[kind],
    }


def _fields(form: RewardForm) -> RewardFields:
    return RewardFields(
        name=form.name.data,
        description=form.description.data or "",
        kind=form.reward_kind,
        cost=form.cost.data,
        stock=form.stock.data,
        active=form.active.data,
    )


@bp.get("/rewards")
@staff_required
def reward_list():
    return render_template("admin/rewards/list.html", rewards=catalogue())


@bp.route("/rewards/new", methods=["GET", "POST"])
@admin_required
def reward_create():
    form = RewardForm()
    if form.validate_on_submit():
        try:
            create_reward(_fields(form), current_user)
        except DomainError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("Reward added."), "success")
            return redirect(url_for("admin.reward_list"))
    return render_template("admin/rewards/form.html", form=form, reward=None), (
        400 if form.errors else 200
    )


@bp.route("/rewards/<int:reward_id>", methods=["GET", "POST"])
@admin_required
def reward_edit(reward_id: int):
    reward = db.session.get(Reward, reward_id) or abort(404)
    form = RewardForm(obj=reward, kind=reward.kind.value)
    if form.validate_on_submit():
        try:
            update_reward(reward, _fields(form), current_user)
        except DomainError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("Reward saved."), "success")
            return redirect(url_for("admin.reward_list"))
    return render_template("admin/rewards/form.html", form=form, reward=reward), (
        400 if form.errors else 200
    )
