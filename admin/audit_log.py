"""The audit log viewer: admins filter changes by user, action, target type and date."""

from datetime import timedelta

from flask import request
from sqlalchemy import select

from admin import bp
from admin.access import admin_required
from admin.forms import AuditFilterForm
from admin.pages import form_page, paged
from core.extensions import db
from core.forms import to_choices
from core.localtime import local_midnight
from core.models import AuditEntry, User
from core.services.audit import readable

PER_PAGE = 50


def audit_query(form: AuditFilterForm):
    """The entries matching the filter form, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if form.user.data:
        query = query.where(AuditEntry.user_id == form.user.data)
    if form.action.data:
        query = query.where(AuditEntry.action.startswith(form.action.data.strip()))
    if form.target_type.data:
        query = query.where(AuditEntry.target_type == form.target_type.data.strip())
    if form.start.data:
        query = query.where(AuditEntry.created_at >= local_midnight(form.start.data))
    if form.end.data:
        query = query.where(
            AuditEntry.created_at < local_midnight(form.end.data + timedelta(days=1))
        )
    return query


@bp.get("/audit")
@admin_required
def audit_list():
    """The audit log, newest first, filtered by user, action, target and dates."""
    form = AuditFilterForm(request.args)
    users = db.session.execute(select(User.id, User.email).order_by(User.email))
    form.user.choices = to_choices([(0, "—"), *((row.id, row.email) for row in users)])
    query = audit_query(form) if form.validate() else select(AuditEntry).where(AuditEntry.id < 0)
    return form_page("admin/audit/list.html", form, readable=readable, **paged(query, PER_PAGE))
