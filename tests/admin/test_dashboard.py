"""The dashboard: SVG charts, top and bottom employees, tasks waiting, branch scope."""

from admin.charts import Bar, bar_chart_svg
from core.extensions import db
from core.models import SurpriseStatus, utcnow
from core.services.periods import current_period_key
from core.services.ratings.dashboard import dimension_means, ratings_per_day
from tests.admin.conftest import make_followup
from tests.factories import make_counted_rating, make_employee, make_redemption


def _rate_now(employee, overall=5, **kw):
    return make_counted_rating(
        employee,
        overall,
        kw.pop("stars", None),
        period_key=current_period_key(),
        created_at=utcnow(),
        **kw,
    )


def test_dashboard_renders_svg_charts_without_inline_styles(admin_client):
    _rate_now(make_employee(), 4, stars={"attitude": 5, "skill": 3})
    db.session.commit()

    response = admin_client.get("/admin/")

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2
    assert "style=" not in text and "<script" not in text


def test_ratings_per_day_counts_verified_ratings_by_local_day(app):
    employee = make_employee()
    for _ in range(3):
        _rate_now(employee)

    per_day = ratings_per_day(current_period_key(), None)

    assert sum(count for _day, count in per_day) == 3
    assert len(per_day) >= 28


def test_dimension_means_include_overall(app):
    employee = make_employee()
    _rate_now(employee, 4, stars={"attitude": 5})
    _rate_now(employee, 2, stars={"attitude": 3})

    means = {name: mean for name, mean, _count in dimension_means(current_period_key(), None)}

    assert means == {"overall": 3.0, "attitude": 4.0}


def test_chart_escapes_labels(app):
    svg = bar_chart_svg([Bar("<script>", 2)], "A & B")

    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_top_employees_are_listed(admin_client):
    best = make_employee(display_name="Best Person")
    for _ in range(4):
        _rate_now(best)
    db.session.commit()

    assert "Best Person" in admin_client.get("/admin/").get_data(as_text=True)


def test_tasks_waiting_are_counted(admin_client):
    make_redemption()
    _rate_now(make_employee(), surprise_status=SurpriseStatus.CLAIMED)
    make_followup()
    db.session.commit()

    text = admin_client.get("/admin/").get_data(as_text=True)

    assert "<strong>1</strong> redemption requests" in text
    assert "<strong>1</strong> surprise-service claims" in text
    assert "<strong>1</strong> open follow-ups" in text


def test_manager_dashboard_shows_only_own_branches(manager_client, branch_a, branch_b):
    for _ in range(4):
        _rate_now(make_employee(branch=branch_b, display_name="Elsewhere Person"))
    make_redemption(make_employee(branch=branch_b))
    db.session.commit()

    text = manager_client.get("/admin/").get_data(as_text=True)

    assert "Elsewhere Person" not in text
    assert "<strong>0</strong> redemption requests" in text
