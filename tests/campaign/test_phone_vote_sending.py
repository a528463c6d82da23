"""A phone vote's code goes through the send queue: a failure sent at once is refused
as before (no vote kept); one recorded later is shown on the confirm page."""

import pytest

from core.extensions import db
from core.models import OfflineVote, Role, VerificationCode, utcnow
from core.services import DomainError
from core.services.campaign.offline_votes import start_phone_vote
from core.services.messaging.sms import SmsNotSent
from core.services.ratings import code_delivery
from tests.campaign.offline_helpers import PHONE, campaign_with_candidates
from tests.factories import make_user


def _failing_sms(to, text):
    raise SmsNotSent("gateway down")


def test_a_phone_code_that_cannot_be_texted_keeps_no_vote(make_campaign, branch, monkeypatch):
    monkeypatch.setattr(code_delivery, "send_sms", _failing_sms)
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    clerk = make_user(Role.ADMIN)
    db.session.commit()
    with pytest.raises(DomainError, match="could not send the code"):
        start_phone_vote(campaign, branch.id, PHONE, {ann.id: 5}, clerk)
    db.session.rollback()
    assert db.session.scalars(db.select(OfflineVote)).all() == []


def test_the_confirm_page_says_when_the_code_was_not_texted(
    make_campaign, branch, texts, client, login_as
):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    clerk = make_user(Role.ADMIN)
    db.session.commit()
    started = start_phone_vote(campaign, branch.id, PHONE, {ann.id: 5}, clerk)
    login_as(clerk)
    page = f"/admin/campaigns/{campaign.id}/phone-votes/{started.vote_id}/confirm"
    assert "could not be texted" not in client.get(page).text
    # What the send worker records after its last try.
    db.session.execute(
        db.update(VerificationCode)
        .where(VerificationCode.offline_vote_id == started.vote_id)
        .values(send_failed_at=utcnow())
    )
    db.session.commit()
    assert "The code could not be texted to the caller." in client.get(page).text
