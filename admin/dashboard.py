"""The dashboard: this period's ratings and averages, top and bottom staff, tasks waiting,
and what the running campaigns wait for."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import home_endpoint, login_required, visible_branch_ids
from admin.charts import Bar, bar_chart_svg
from core.labels import SOURCE_LABELS
from core.services.campaign.agenda import campaigns_waiting
from core.services.periods import current_period_key
from core.services.ratings.dashboard import (
    dimension_means,
    ratings_per_day,
    top_and_bottom,
    waiting_tasks,
)
from core.services.settings import dimension_labels

STARS_MAX = 5


def _charts(key: str, branch_ids: set[int] | None) -> tuple:
    per_day = ratings_per_day(key, branch_ids)
    labels = dimension_labels()
    means = dimension_means(key, branch_ids)
    day_chart = bar_chart_svg(
        [Bar(str(day.day), count, f"{day.isoformat()}: {count}") for day, count in per_day],
        _("Ratings per day"),
        every_nth_label=max(len(per_day) // 15, 1),
    )
    dimension_chart = bar_chart_svg(
        [Bar(labels.get(name, name), round(mean, 2)) for name, mean, _count in means],
        _("Average stars per dimension"),
        max_value=STARS_MAX,
    )
    return day_chart, dimension_chart, sum(count for _day, count in per_day), means


@bp.get("/")
@login_required
def dashboard():
    """The first page after signing in; a judge, who sees no branch, is sent to Judging."""
    if home_endpoint(current_user) != "admin.dashboard":
        return redirect(url_for(home_endpoint(current_user)))
    key = current_period_key()
    branch_ids = visible_branch_ids()
    day_chart, dimension_chart, total, means = _charts(key, branch_ids)
    top, bottom = top_and_bottom(key, branch_ids)
    return render_template(
        "admin/dashboard/index.html",
        period_key=key,
        day_chart=day_chart,
        dimension_chart=dimension_chart,
        total=total,
        means=means,
        labels=dimension_labels(),
        top=top,
        bottom=bottom,
        tasks=waiting_tasks(branch_ids),
        agendas=campaigns_waiting(branch_ids),
        source_labels=SOURCE_LABELS,
    )
