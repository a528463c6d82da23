"""CSV downloads: ratings, the points ledger and published award results."""

from flask import Response, render_template, request
from flask_babel import gettext as _

from admin import bp
from admin.access import admin_required, staff_required, visible_branch_ids
from core.extensions import db
from core.models import AwardPeriod
from core.services.awards.winners import latest_snapshot
from core.services.exports import ledger_csv, ratings_csv, results_csv


def _csv(data: bytes, name: str) -> Response:
    """A CSV download named `name`."""
    return Response(
        data,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/exports")
@staff_required
def export_index():
    """The downloads on offer, with the published award periods."""
    periods = db.session.scalars(db.select(AwardPeriod).order_by(AwardPeriod.id.desc()))
    return render_template("admin/exports/index.html", periods=[p for p in periods if p.snapshots])


@bp.get("/exports/ratings.csv")
@staff_required
def export_ratings():
    """Ratings of the user's branches as CSV, of one period when `?period=` names it."""
    period = (request.args.get("period") or "").strip()[:10] or None
    return _csv(ratings_csv(visible_branch_ids(), period), "ratings.csv")


@bp.get("/exports/ledger.csv")
@staff_required
def export_ledger():
    """The points ledger of the user's branches as CSV."""
    return _csv(ledger_csv(visible_branch_ids()), "ledger.csv")


@bp.get("/exports/results/<int:period_id>.csv")
@admin_required
def export_results(period_id: int):
    """A published period's latest results snapshot as CSV (404 before publishing)."""
    period = db.get_or_404(AwardPeriod, period_id)
    snapshot = latest_snapshot(period)
    if snapshot is None:
        return _("This period has not been published."), 404
    return _csv(results_csv(snapshot), f"results-{period_id}.csv")
