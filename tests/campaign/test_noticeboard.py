"""The staff noticeboard shows a branch's announced results and the rules, nothing private
(issuing and revoking the link: tests/admin/test_noticeboard.py)."""

from urllib.parse import urlsplit

from core.extensions import db
from core.models import Role
from core.services.campaign.stages import advance_stage
from core.services.people.noticeboards import issue_noticeboard_link
from core.services.points.rules import save_points_rules
from scoring.points import PointsRules
from tests.campaign.conftest import waive_gaps
from tests.factories import give_points, make_reward, make_user


def test_the_board_shows_announced_results_and_rules_but_nothing_private(client, second_round, app):
    campaign, (ann, bo, cy), _voters = second_round
    waive_gaps(campaign)
    advance_stage(campaign, None)
    give_points(ann, 77)
    make_reward(name="Cinema ticket", cost=20, min_tier=2)
    admin = make_user(Role.ADMIN)
    db.session.commit()
    save_points_rules(PointsRules(surprise_standard={"en": "Beyond the usual, unasked."}), admin)
    link = issue_noticeboard_link(ann.branch, None)

    page = client.get(urlsplit(link).path).get_data(as_text=True)

    assert "2 of 3 candidates go through." in page and "Ann" in page
    assert "Beyond the usual, unasked." in page and "Cinema ticket" in page
    assert "tier 2 and up" in page
    # The link's random secret is in the page's own links: it may hold "77" by chance.
    without_secret = page.replace(urlsplit(link).path.rsplit("/", 1)[-1], "")
    assert 'class="breakdown"' not in page and "77" not in without_secret
