"""Award periods: ranked candidates, winners with citations, publish and withdraw."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import admin_required
from admin.forms import EmptyForm, ReasonForm
from admin.scheme_forms import AwardPeriodForm, WinnerForm
from core.extensions import db
from core.models import AwardCategory, AwardPeriod, AwardWinner, Employee
from core.services import DomainError
from core.services.awards.candidates import candidates
from core.services.awards.certificates import award_winner_certificate
from core.services.awards.winners import (
    add_winner,
    create_period,
    latest_snapshot,
    publish_period,
    remove_winner,
    withdraw_period,
)

SHOWN_CANDIDATES = 20


@bp.route("/awards", methods=["GET", "POST"])
@admin_required
def award_list():
    form = AwardPeriodForm()
    if form.validate_on_submit():
        try:
            period = create_period(
                form.name.data, form.starts_on.data, form.ends_on.data, current_user
            )
        except DomainError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("Award period created."), "success")
            return redirect(url_for("admin.award_detail", period_id=period.id))
    periods = db.session.scalars(db.select(AwardPeriod).order_by(AwardPeriod.starts_on.desc()))
    return render_template("admin/awards/list.html", periods=list(periods), form=form), (
        400 if form.errors else 200
    )


def _winner_form(category: AwardCategory, listed) -> WinnerForm:
    form = WinnerForm(prefix=f"c{category.id}")
    taken = {w.employee_id for w in category.winners}
    form.employee_id.choices = [
        (c.employee_id, f"{c.rank or '–'}. {c.name} ({c.branch_name})")
        for c in listed
        if c.employee_id not in taken
    ]
    return form


def _detail(period: AwardPeriod, failed: tuple[int, WinnerForm] | None = None, status=200):
    sections = []
    for category in period.categories:
        listed = candidates(category)[:SHOWN_CANDIDATES]
        form = _winner_form(category, listed)
        if failed and failed[0] == category.id:
            form = failed[1]
        sections.append((category, listed, form))
    return render_template(
        "admin/awards/detail.html",
        period=period,
        sections=sections,
        snapshot=latest_snapshot(period),
        button=EmptyForm(),
        withdraw=ReasonForm(),
    ), status


@bp.get("/awards/<int:period_id>")
@admin_required
def award_detail(period_id: int):
    return _detail(db.get_or_404(AwardPeriod, period_id))


@bp.post("/awards/<int:period_id>/categories/<int:category_id>/winners")
@admin_required
def award_winner_add(period_id: int, category_id: int):
    category = db.get_or_404(AwardCategory, category_id)
    if category.period_id != period_id:
        abort(404)
    form = _winner_form(category, candidates(category))
    if not form.validate_on_submit():
        return _detail(category.period, (category.id, form), 400)
    try:
        employee = db.session.get(Employee, form.employee_id.data)
        add_winner(category, employee, form.citation.data, current_user)
    except DomainError as error:
        form.citation.errors.append(str(error))
        return _detail(category.period, (category.id, form), 409)
    flash(_("Winner added."), "success")
    return redirect(url_for("admin.award_detail", period_id=period_id))


@bp.post("/awards/winners/<int:winner_id>/remove")
@admin_required
def award_winner_remove(winner_id: int):
    winner = db.get_or_404(AwardWinner, winner_id)
    period_id = winner.category.period_id
    if EmptyForm().validate_on_submit():
        try:
            remove_winner(winner, current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("Winner removed."), "success")
    return redirect(url_for("admin.award_detail", period_id=period_id))


@bp.post("/awards/<int:period_id>/publish")
@admin_required
def award_publish(period_id: int):
    db.get_or_404(AwardPeriod, period_id)
    if EmptyForm().validate_on_submit():
        try:
            publish_period(period_id, current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("Published: the results are frozen and on the wall of fame."), "success")
    return redirect(url_for("admin.award_detail", period_id=period_id))


@bp.post("/awards/<int:period_id>/withdraw")
@admin_required
def award_withdraw(period_id: int):
    db.get_or_404(AwardPeriod, period_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason to withdraw (at least 3 characters)."), "error")
        return redirect(url_for("admin.award_detail", period_id=period_id)), 400
    try:
        withdraw_period(period_id, current_user, form.reason.data)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("Withdrawn: certificates of this period now verify as withdrawn."), "success")
    return redirect(url_for("admin.award_detail", period_id=period_id))


@bp.get("/awards/winners/<int:winner_id>/certificate")
@admin_required
def award_certificate(winner_id: int):
    cert = award_winner_certificate(db.get_or_404(AwardWinner, winner_id))
    if cert is None:
        abort(404)
    return render_template("portal/stars/certificate.html", cert=cert)
