"""Every admin edit form: change each of its fields, and find each change in the audit log.

EDITS holds one row per form that edits a stored record: a function that creates the
record and returns the URL values, the form data (a new value for EVERY field of the
form) and the expected {log key: (before, after)}. A new field fails the coverage check
until its row posts it; a new edit endpoint fails test_every_admin_post_is_an_edit_or_named
until it has a row here or a reason in NOT_EDITS.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from unittest.mock import ANY
from zoneinfo import ZoneInfo

import pytest
from flask import current_app, url_for
from sqlalchemy import select

from admin.award_forms import QuotaForm
from admin.campaign_forms import CampaignForm
from admin.forms import BranchForm, EmployeeForm, FollowUpForm, UserEditForm
from admin.objection_forms import AnswerObjectionForm
from admin.points_forms import RewardForm, RulesForm
from admin.settings_forms import SettingsForm
from core.extensions import db
from core.models import AuditEntry, AwardStatus, Objection, ResultNotice, Role
from core.services.campaign.setup import CampaignData, create_campaign
from core.services.people.employees import add_employee
from core.services.settings import current_settings
from scoring.points import PointsRules
from scoring.site_settings import next_common_period_start
from tests.admin.conftest import make_followup
from tests.factories import (
    make_award_period,
    make_branch,
    make_employee,
    make_reward,
    make_user,
)

MISSING = "(not in the entry)"


@dataclass
class Edit:
    """One admin edit form: build its record, post new values, expect them in the log."""

    form: type
    make: Callable[[], dict]  # creates the record; returns {"url": ..., "data": ..., "expect": ...}
    same: set[str] = field(default_factory=set)  # fields whose rules allow only one value


def _branch() -> dict:
    branch = make_branch(name="Old Road", address="1 Old Road")
    return {
        "url": {"branch_id": branch.id},
        "data": {"name": "New Road", "address": "2 New Road"},
        "expect": {"name": ("Old Road", "New Road"), "address": ("1 Old Road", "2 New Road")},
    }


def _user() -> dict:
    old, new = make_branch(), make_branch()
    user = make_user(Role.MANAGER, name="Old Name", branches=[old])
    return {
        "url": {"user_id": user.id},
        "data": {
            "name": "New Name",
            "role": "judge",
            "branch_ids": [str(new.id)],
            "password": "a long enough password",
        },
        "expect": {
            "name": ("Old Name", "New Name"),
            "role": ("manager", "judge"),
            "branch_ids": ([old.id], [new.id]),
            "password_hash_changed": (MISSING, True),
        },
    }


def _employee() -> dict:
    old, new = make_branch(), make_branch()
    db.session.commit()
    employee = add_employee(old.id, "Old Name", "Clerk", "S-1", emails="old@example.com")
    (contact,) = employee.identities
    return {
        "url": {"employee_id": employee.id},
        "data": {
            "branch_id": str(new.id),
            "display_name": "New Name",
            "title": "Advisor",
            "staff_no": "S-2",
            "emails": "li.lei@example.com",
            "phones": "13912345678",
            "remove_contacts": [contact.identity_hash],
            "locale": "zh_CN",
        },
        "expect": {
            "branch_id": (old.id, new.id),
            "display_name": ("Old Name", "New Name"),
            "title": ("Clerk", "Advisor"),
            "staff_no": ("S-1", "S-2"),
            "locale": (None, "zh_CN"),
            "contacts": (
                ["email:o•••@example.com"],
                ["email:l•••@example.com", "phone:+86 •••• 5678"],
            ),
        },
    }


def _reward() -> dict:
    reward = make_reward(name="Old", description="Old text", cost=10)
    return {
        "url": {"reward_id": reward.id},
        "data": {
            "name": "New",
            "description": "New text",
            "kind": "event",
            "cost": "20",
            "stock": "5",
            "active": "",
            "min_tier": "3",
        },
        "expect": {
            "name": ("Old", "New"),
            "description": ("Old text", "New text"),
            "kind": ("gift_card", "event"),
            "cost": (10, 20),
            "stock": (None, 5),
            "active": (True, False),
            "min_tier": (None, 3),
        },
    }


def _rules() -> dict:
    old = PointsRules().to_dict()
    per_star = [points + 1 for points in old["per_star"]]
    stars = {f"star{n}": str(points) for n, points in enumerate(per_star, start=1)}
    tiers = [
        {"min_score": 1.0 if n == 1 else 1.0 + n, "multiplier": 1.0 + n / 10, "bonus": n + 1}
        for n in range(1, 5)
    ]
    tier_fields = {}
    for n, tier in enumerate(tiers, start=1):
        tier_fields[f"tier{n}_multiplier"] = str(tier["multiplier"])
        tier_fields[f"tier{n}_bonus"] = str(tier["bonus"])
        if n > 1:
            tier_fields[f"tier{n}_min"] = str(tier["min_score"])
    return {
        "url": {},
        "data": {
            **stars,
            **tier_fields,
            "surprise_bonus": str(old["surprise_bonus"] + 1),
            "surprise_cap": "7",
            "standard_en": "Beyond the usual, unasked.",
            "standard_zh_CN": "超出常规的主动服务。",
        },
        "expect": {
            "per_star": (old["per_star"], per_star),
            "surprise_bonus": (old["surprise_bonus"], old["surprise_bonus"] + 1),
            "tiers": (old["tiers"], tiers),
            "surprise_cap": (old["surprise_cap"], 7),
            "surprise_standard": (
                {},
                {"en": "Beyond the usual, unasked.", "zh_CN": "超出常规的主动服务。"},
            ),
        },
    }


def _settings() -> dict:
    old = current_settings().to_dict()
    tz = current_app.config["TIME_ZONE"]
    # A new period kind starts where a month and a quarter both begin.
    starts = next_common_period_start(datetime.now(UTC), tz, ("month", "quarter"))
    dimensions = [
        {"key": f"d{n}", "label_en": f"Dimension {n}", "label_zh": f"维度{n}", "weight": n / 2}
        for n in range(1, 7)
    ]
    rows = {
        f"dim{n}_{name}": str(value)
        for n, dimension in enumerate(dimensions, start=1)
        for name, value in dimension.items()
    }
    return {
        "url": {},
        "data": {
            **rows,
            "overall_weight": "2",
            "verify_methods": ["sms", "receipt"],
            "period_kind": "quarter",
            "followup_contact_hours": "12",
            "followup_resolve_days": "10",
            "starts_at": starts.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M"),
        },
        "expect": {
            "dimensions": (old["dimensions"], dimensions),
            "overall_weight": (1.0, 2.0),
            "verify_methods": (["email", "sms", "receipt"], ["sms", "receipt"]),
            "period_kind": ("month", "quarter"),
            "followup_contact_hours": (24, 12),
            "followup_resolve_days": (15, 10),
            "effective_from": (MISSING, starts.isoformat()),
        },
    }


def _quota() -> dict:
    category = make_award_period().categories[0]
    return {
        "url": {"period_id": category.period_id, "category_id": category.id},
        "data": {f"q{category.id}-winner_quota": "3"},
        "expect": {"winner_quota": (1, 3)},
    }


NEW_WEIGHTS = {
    "preliminary": {"customer": 100},
    "second": {"customer": 30, "supervisor": 25, "colleagues": 25, "self": 10, "judges": 10},
    "final": {"customer": 20, "supervisor": 20, "colleagues": 20, "self": 20, "judges": 20},
}


def _campaign() -> dict:
    old, new = make_branch(), make_branch()
    db.session.commit()
    today = date.today()
    campaign = create_campaign(
        CampaignData("Old", [old.id], today - timedelta(days=30), today + timedelta(days=30)),
        actor=None,
    )
    days = {
        "starts_on": today - timedelta(days=20),
        "ends_on": today + timedelta(days=40),
        "registration_closes_on": today - timedelta(days=10),
        "second_round_on": today + timedelta(days=10),
        "final_on": today + timedelta(days=20),
    }
    counts = {
        "min_ratings": (3, 2),
        "preliminary_pass": (10, 8),
        "second_pass": (5, 4),
        "winners": (1, 2),
        "ballot_size": (3, 4),
        "vote_threshold": (5, 6),
        "notice_days": (0, 3),
    }
    weights = {
        f"w_{stage}_{source}": str(weight)
        for stage, stage_weights in NEW_WEIGHTS.items()
        for source, weight in stage_weights.items()
    }
    return {
        "url": {"campaign_id": campaign.id},
        "data": {
            "name": "New",
            "branch_ids": [str(new.id)],
            **{name: day.isoformat() for name, day in days.items()},
            **{name: str(after) for name, (_before, after) in counts.items()},
            **weights,
        },
        "expect": {
            "name": ("Old", "New"),
            "branch_ids": ([old.id], [new.id]),
            "starts_on": (campaign.starts_on.isoformat(), days["starts_on"].isoformat()),
            "ends_on": (campaign.ends_on.isoformat(), days["ends_on"].isoformat()),
            "registration_closes_on": (None, days["registration_closes_on"].isoformat()),
            "second_round_on": (None, days["second_round_on"].isoformat()),
            "final_on": (None, days["final_on"].isoformat()),
            **counts,
            "weights": (campaign.weights, NEW_WEIGHTS),
        },
    }


def _followup() -> dict:
    task = make_followup()
    return {
        "url": {"task_id": task.id},
        "data": {"note": "Called back; sorted.", "state": "contacted"},
        "expect": {
            "note": ("", "Called back; sorted."),
            "state": ("open", "contacted"),
            "contacted_at": (None, ANY),
        },
    }


def _objection() -> dict:
    period = make_award_period(status=AwardStatus.PUBLISHED)
    now = datetime.now(UTC)
    notice = ResultNotice(
        award_period_id=period.id, notice_days=3, announced_at=now,
        notice_ends_at=now + timedelta(days=3),
    )  # fmt: skip
    objection = Objection(notice=notice, employee=make_employee(), reason="Counted twice, I think.")
    db.session.add(objection)
    db.session.flush()
    return {
        "url": {"objection_id": objection.id},
        "data": {"decision": "dismiss", "answer": "Checked: counted once."},
        "expect": {
            "status": ("open", "dismissed"),
            "answer": ("", "Checked: counted once."),
            "answered_at": (None, ANY),
        },
    }


EDITS = {
    "admin.branch_edit": Edit(BranchForm, _branch),
    "admin.user_edit": Edit(UserEditForm, _user),
    "admin.employee_edit": Edit(EmployeeForm, _employee),
    "admin.reward_edit": Edit(RewardForm, _reward),
    "admin.rules_save": Edit(RulesForm, _rules),
    "admin.settings_save": Edit(SettingsForm, _settings),
    "admin.award_quota": Edit(QuotaForm, _quota),
    # The preliminary round has one source, so its weight can only be 100.
    "admin.campaign_edit": Edit(CampaignForm, _campaign, same={"w_preliminary_customer"}),
    "admin.followup_detail": Edit(FollowUpForm, _followup),
    "admin.objection_answer": Edit(AnswerObjectionForm, _objection),
}

# Admin POST endpoints that edit no stored record's fields through a form, and why.
NOT_EDITS = {
    "admin.login": "signs in",
    "admin.logout": "signs out",
    "admin.branch_new": "creates a branch (record_created logs every column)",
    "admin.user_new": "creates an account (record_created)",
    "admin.employee_new": "creates an employee (record_created)",
    "admin.employee_import": "creates employees from a CSV (one summary entry)",
    "admin.reward_create": "creates a reward (record_created)",
    "admin.campaign_new": "creates a campaign (record_created)",
    "admin.award_list": "creates an award period (record_created)",
    "admin.branch_toggle_active": "one switch, logged by record_change",
    "admin.user_toggle_active": "one switch, logged by record_change",
    "admin.employee_toggle_active": "one switch, logged by record_change",
    "admin.employee_photo_upload": "replaces the photo file, logged by record_change",
    "admin.employee_rotate_card": "a new card token: only the retired one is logged",
    "admin.employee_private_link": "a new private link secret, never logged",
    "admin.employee_send_link": "a new private link, emailed",
    "admin.receipt_codes_print": "mints receipt codes (receipt_codes.mint, never the codes)",
    "admin.points_adjust": "appends a ledger entry (points.adjust)",
    "admin.points_redeem": "requests a redemption for an employee",
    "admin.redemption_approve": "a step of a redemption",
    "admin.redemption_reject": "a step of a redemption",
    "admin.redemption_fulfil": "a step of a redemption",
    "admin.feedback_hide": "a moderation decision with a reason",
    "admin.dispute_hide": "a moderation decision",
    "admin.dispute_uphold": "a moderation decision",
    "admin.surprise_decide": "a moderation decision",
    "admin.award_winner_add": "adds a winner (award_winner.add)",
    "admin.award_winner_remove": "removes a winner (award_winner.remove)",
    "admin.award_publish": "publishes a frozen snapshot",
    "admin.award_withdraw": "withdraws a published period, with a reason",
    "admin.campaign_lessons": "one text, logged by record_created/record_change (tested)",
    "admin.candidate_improvement": "creates a training action (record_created)",
    "admin.improvement_action_done": "one switch, logged by record_change (tested)",
    "admin.campaign_advance": "moves a campaign to its next stage",
    "admin.campaign_panel": "replaces a round's judge panel (campaign.panel)",
    "admin.campaign_register": "registers a candidate (campaign.register)",
    "admin.campaign_waive": "waives a source for a candidate (campaign.waive_source)",
    "admin.campaign_evaluate": "an evaluation (record_created, then record_change)",
    "admin.campaign_self_review": "a review of a self-evaluation (record_change)",
    "admin.judging_score": "a judge's score (record_created, then record_change)",
    "admin.rules_close_period": "fixes a period's tiers (points.close_period, ledger entries)",
    "admin.branch_noticeboard": "a new noticeboard link secret, never logged",
    "admin.branch_noticeboard_revoke": "revokes the noticeboard link (branch.revoke_noticeboard)",
    "admin.ballot_print": "prints a ballot batch (record_created)",
    "admin.ballot_batch": "voids one ballot with a reason (record_change)",
    "admin.ballot_enter": "enters a paper ballot's vote (record_created)",
    "admin.phone_vote_new": "a pending phone vote, counted only once confirmed",
    "admin.phone_vote_confirm": "confirms a phone vote (record_created)",
    "admin.offline_vote_void": "voids an offline vote with a reason (record_change)",
    "admin.campaign_rewards": "adds a reward to a campaign's place (record_created)",
    "admin.award_category_rewards": "adds a reward to a category's place (record_created)",
    "admin.place_reward_remove": "removes a place reward (place_reward.remove)",
    "admin.commitment_deliver": "marks a commitment delivered (record_change)",
}


def _form_fields(app, form: type) -> set[str]:
    with app.test_request_context():
        return {f.short_name for f in form() if f.short_name != "csrf_token"}


@pytest.mark.parametrize("endpoint", sorted(EDITS))
def test_an_admin_edit_logs_every_changed_field(app, admin_client, endpoint):
    edit = EDITS[endpoint]
    case = edit.make()
    db.session.commit()
    posted = {name.split("-", 1)[-1] for name in case["data"]}
    assert _form_fields(app, edit.form) - edit.same <= posted, "post a change of every field"
    with app.test_request_context():
        url = url_for(endpoint, **case["url"])
    latest = select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)
    last_before = db.session.scalar(latest)

    response = admin_client.post(url, data=case["data"])

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.id != last_before and entry.user_id is not None
    logged = {
        key: (entry.before.get(key, MISSING), entry.after.get(key, MISSING))
        for key in case["expect"]
    }
    assert logged == case["expect"]


def test_every_admin_post_is_an_edit_or_named(app):
    posts = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.") and "POST" in rule.methods
    }
    assert posts - EDITS.keys() - NOT_EDITS.keys() == set(), "add a row to EDITS or NOT_EDITS"
    assert EDITS.keys() & NOT_EDITS.keys() == set()
    assert (EDITS.keys() | NOT_EDITS.keys()) - posts == set(), "no rows for gone endpoints"
