"""Award periods: ranked candidates, winners with citations, publish and withdraw."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from admin import bp
from admin.access import admin_required
from admin.award_forms import AwardPeriodForm, PublishForm, QuotaForm, WinnerForm
from admin.forms import EmptyForm, ReasonForm
from admin.pages import form_page
from core.actions import attempt
from core.extensions import db
from core.models import AwardCategory, AwardPeriod, AwardWinner, Employee
from core.services.awards.candidates import candidates
from core.services.awards.certificates import award_winner_certificate
from core.services.awards.publishing import is_running, publish_period
from core.services.awards.winners import (
    add_winner,
    create_period,
    latest_snapshot,
    remove_winner,
    set_quota,
    withdraw_period,
)
from core.services.notices.announcements import is_final, period_notice
from core.services.notices.objections import open_objection_count
from core.services.points.place_reward_setup import rewards_of

SHOWN_CANDIDATES = 20


@bp.route("/awards", methods=["GET", "POST"])
@admin_required
def award_list():
    """The award periods, and the form that opens a new one."""
    form = AwardPeriodForm()
    if form.validate_on_submit():
        created = attempt(
            lambda: create_period(
                form.name.data,
                form.starts_on.data,
                form.ends_on.data,
                current_user,
                form.notice_days.data,
            ),
            _("Award period created."),
            form=form,
            field="name",
        )
        if created:
            return redirect(url_for("admin.award_detail", period_id=created.value.id))
    periods = db.session.scalars(db.select(AwardPeriod).order_by(AwardPeriod.starts_on.desc()))
    return form_page("admin/awards/list.html", form, periods=list(periods))


def _winner_form(category: AwardCategory, listed) -> WinnerForm:
    form = WinnerForm(prefix=f"c{category.id}")
    taken = {w.employee_id for w in category.winners}
    form.employee_id.choices = [
        (c.employee_id, f"{c.rank or '–'}. {c.name} ({c.branch_name})")
        for c in listed
        if c.employee_id not in taken
    ]
    return form


def _notice_line(period: AwardPeriod) -> dict | None:
    """The published period's public notice: when it ends, whether final, objections open."""
    notice = period_notice(period.id)
    if notice is None:
        return None
    return {
        "notice": notice,
        "final": is_final(notice),
        "open_objections": open_objection_count(notice.id),
    }


def _detail(period: AwardPeriod, failed: FlaskForm | None = None, status=200):
    """The period page; `failed` is a submitted form to show again with its errors."""
    sections = []
    for category in period.categories:
        listed = candidates(category)[:SHOWN_CANDIDATES]
        winner_form = _winner_form(category, listed)
        quota_form = QuotaForm(prefix=f"q{category.id}", winner_quota=category.winner_quota)
        sections.append((category, listed, _shown(failed, winner_form), _shown(failed, quota_form)))
    return render_template(
        "admin/awards/detail.html",
        period=period,
        running=is_running(period),
        sections=sections,
        snapshot=latest_snapshot(period),
        notice=_notice_line(period),
        button=EmptyForm(),
        publish=_shown(failed, PublishForm(prefix="publish")),
        withdraw=ReasonForm(),
        place_rewards={c.id: rewards_of(c) for c in period.categories},
    ), status


def _shown(failed: FlaskForm | None, form: FlaskForm) -> FlaskForm:
    """The failed form instead of a fresh one of the same prefix."""
    return failed if failed is not None and failed._prefix == form._prefix else form


@bp.get("/awards/<int:period_id>")
@admin_required
def award_detail(period_id: int):
    """A period's ranked candidates per category, its winners and its publishing buttons."""
    return _detail(db.get_or_404(AwardPeriod, period_id))


def _category_or_404(period_id: int, category_id: int) -> AwardCategory:
    category = db.get_or_404(AwardCategory, category_id)
    if category.period_id != period_id:
        abort(404)
    return category


@bp.post("/awards/<int:period_id>/categories/<int:category_id>/winners")
@admin_required
def award_winner_add(period_id: int, category_id: int):
    """Name a winner of one category, with a citation."""
    category = _category_or_404(period_id, category_id)
    form = _winner_form(category, candidates(category))
    if not form.validate_on_submit():
        return _detail(category.period, form, 400)
    employee = db.session.get(Employee, form.employee_id.data)
    if not attempt(
        lambda: add_winner(
            category, employee, form.citation.data, current_user, form.override_reason.data
        ),
        lambda w: (
            _("Winner added by override (reason logged).")
            if w.override_reason
            else _("Winner added.")
        ),
        form=form,
        field="citation",
    ):
        return _detail(db.get_or_404(AwardPeriod, period_id), form, 409)
    return redirect(url_for("admin.award_detail", period_id=period_id))


@bp.post("/awards/<int:period_id>/categories/<int:category_id>/quota")
@admin_required
def award_quota(period_id: int, category_id: int):
    """Set how many winners a category may have."""
    category = _category_or_404(period_id, category_id)
    form = QuotaForm(prefix=f"q{category.id}")
    if not form.validate_on_submit():
        return _detail(category.period, form, 400)
    if not attempt(
        lambda: set_quota(category.id, form.winner_quota.data, current_user),
        _("Quota saved."),
        form=form,
        field="winner_quota",
    ):
        return _detail(db.get_or_404(AwardPeriod, period_id), form, 409)
    return redirect(url_for("admin.award_detail", period_id=period_id))


@bp.post("/awards/winners/<int:winner_id>/remove")
@admin_required
def award_winner_remove(winner_id: int):
    """Take a winner off a draft period."""
    winner = db.get_or_404(AwardWinner, winner_id)
    period_id = winner.category.period_id
    if EmptyForm().validate_on_submit():
        attempt(lambda: remove_winner(winner, current_user), _("Winner removed."))
    return redirect(url_for("admin.award_detail", period_id=period_id))


@bp.post("/awards/<int:period_id>/publish")
@admin_required
def award_publish(period_id: int):
    """Freeze the period's results and show its winners on the wall of fame."""
    period = db.get_or_404(AwardPeriod, period_id)
    form = PublishForm(prefix="publish")
    if not form.validate_on_submit():
        return _detail(period, form, 400)
    early_reason = form.early_reason.data if form.early.data else None
    if not attempt(
        lambda: publish_period(period_id, current_user, early_reason),
        _("Published: the results are frozen and on the wall of fame."),
        form=form,
    ):
        return _detail(db.get_or_404(AwardPeriod, period_id), form, 409)
    return redirect(url_for("admin.award_detail", period_id=period_id))


@bp.post("/awards/<int:period_id>/withdraw")
@admin_required
def award_withdraw(period_id: int):
    """Withdraw a published period, with a reason; its certificates then verify as withdrawn."""
    db.get_or_404(AwardPeriod, period_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason to withdraw (at least 3 characters)."), "error")
        return redirect(url_for("admin.award_detail", period_id=period_id)), 400
    attempt(
        lambda: withdraw_period(period_id, current_user, form.reason.data),
        _("Withdrawn: certificates of this period now verify as withdrawn."),
    )
    return redirect(url_for("admin.award_detail", period_id=period_id))


@bp.get("/awards/winners/<int:winner_id>/certificate")
@admin_required
def award_certificate(winner_id: int):
    """The winner's printable certificate, as the public sees it."""
    cert = award_winner_certificate(db.get_or_404(AwardWinner, winner_id))
    if cert is None:
        abort(404)
    return render_template("portal/stars/certificate.html", cert=cert)
