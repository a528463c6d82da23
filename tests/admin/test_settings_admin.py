"""The settings page: admins only, what is in force and scheduled, bad input kept with a 400."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from admin.settings_forms import SettingsForm
from core.extensions import db
from core.models import Role
from core.services.settings import change_settings, current_settings
from scoring.site_settings import Dimension
from tests.factories import make_rating, make_user


def _posted(**changes) -> dict:
    """The form as the page fills it with the settings in force, with `changes`."""
    data = SettingsForm.data_of(current_settings())
    data = {k: v if isinstance(v, list) else str(v) for k, v in data.items()}
    return {**data, **changes}


def test_admins_see_the_settings_in_force_and_the_link(admin_client):
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "Service attitude" in page and "服务态度" in page
    assert 'href="/admin/settings"' in page
    assert "no period is ever cut in two" in page


@pytest.mark.parametrize("role", [Role.MANAGER, Role.JUDGE])
def test_others_neither_see_nor_change_the_settings(client, login_as, role):
    login_as(make_user(role))
    assert client.get("/admin/settings").status_code == 403
    assert client.post("/admin/settings", data=_posted()).status_code == 403
    home = client.get("/admin/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/admin/settings"' not in home


def test_a_change_from_now_applies_and_shows(admin_client):
    response = admin_client.post(
        "/admin/settings", data=_posted(dim1_label_en="Friendliness", dim1_label_zh="友好")
    )
    assert response.status_code == 302
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "Friendliness" in page and "Since" in page


def test_a_scheduled_change_is_listed(app, admin_client):
    db.session.commit()
    starts = datetime.now(UTC) + timedelta(days=3)
    change_settings(replace(current_settings(), followup_contact_hours=6), starts, None)
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "Scheduled from" in page and "within 6 hours" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"dim2_weight": "-1"}, "its weight is a number above 0"),
        ({"verify_methods": []}, "at least one verification method"),
        ({"period_kind": "week"}, "no period is cut in two"),
        ({"starts_at": "2020-01-01T00:00"}, "cannot start in the past"),
        ({"followup_resolve_days": "0"}, "Number must be"),
        ({"dim4_label_en": "Speed"}, "Give this dimension a key"),
    ],
)
def test_bad_input_answers_400_with_what_was_typed(admin_client, changes, message):
    data = _posted(dim1_label_en="Kept as typed", **changes)
    response = admin_client.post("/admin/settings", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'value="Kept as typed"' in page
    assert current_settings().version == 0


def test_an_old_rating_shows_a_dimension_removed_since(app, admin_client):
    db.session.commit()
    settings = current_settings()
    courtesy = Dimension("courtesy", "Courtesy shown", "", 1.0)
    change_settings(replace(settings, dimensions=(*settings.dimensions, courtesy)), None, None)
    make_rating(stars={"courtesy": 4})
    db.session.commit()
    change_settings(settings, None, None)

    assert "courtesy" not in [d.key for d in current_settings().dimensions]
    assert "Courtesy shown 4★" in admin_client.get("/admin/feedback").get_data(as_text=True)
