"""Labels of stored values: the one translated name of each value a column stores.

Pages (the `label` template filter), form choices, the CSV exports and the audit log
all read these tables, so a status reads the same everywhere. Labels are lazy: one table
serves every locale, and a label becomes text in the language of the request that
shows it. tests/core/test_labels.py checks that every value of every enum column has one.
"""

import enum
from collections.abc import Iterable

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from core.models import (
    AwardStatus,
    BallotStatus,
    CampaignStage,
    CategoryKind,
    Channel,
    CommitmentKind,
    DisputeStatus,
    EntryKind,
    FollowUpState,
    ObjectionRemedy,
    ObjectionStatus,
    OfflineVoteStatus,
    PlaceRewardKind,
    RatingStatus,
    RedemptionStatus,
    RewardKind,
    Role,
    SelfEvaluationStatus,
    SurpriseStatus,
    VoteChannel,
)

LABELS: dict[type[enum.Enum], dict[enum.Enum, LazyString]] = {
    Role: {
        Role.ADMIN: _l("Admin"),
        Role.MANAGER: _l("Manager"),
        Role.JUDGE: _l("Judge"),
    },
    RatingStatus: {
        RatingStatus.PENDING: _l("Pending"),
        RatingStatus.VERIFIED: _l("Verified"),
        RatingStatus.EXPIRED: _l("Expired"),
        RatingStatus.HIDDEN: _l("Hidden"),
    },
    SurpriseStatus: {
        SurpriseStatus.NONE: _l("None"),
        SurpriseStatus.CLAIMED: _l("Claimed"),
        SurpriseStatus.CONFIRMED: _l("Confirmed"),
        SurpriseStatus.REJECTED: _l("Rejected"),
    },
    DisputeStatus: {
        DisputeStatus.NONE: _l("None"),
        DisputeStatus.OPEN: _l("Open"),
        DisputeStatus.UPHELD: _l("Upheld"),
        DisputeStatus.HIDDEN: _l("Hidden"),
    },
    Channel: {
        Channel.EMAIL: _l("Email"),
        Channel.SMS: _l("SMS"),
    },
    FollowUpState: {
        FollowUpState.OPEN: _l("Open"),
        FollowUpState.CONTACTED: _l("Contacted"),
        FollowUpState.RESOLVED: _l("Resolved"),
    },
    EntryKind: {
        EntryKind.EARNED: _l("Earned"),
        EntryKind.BONUS: _l("Surprise bonus"),
        EntryKind.REDEEMED: _l("Redeemed"),
        EntryKind.ADJUSTMENT: _l("Adjustment"),
        EntryKind.REVERSAL: _l("Reversal"),
        EntryKind.TIER: _l("Score tier"),
        EntryKind.PLACE: _l("Winner's reward"),
    },
    RewardKind: {
        RewardKind.CASH_BONUS: _l("Cash bonus"),
        RewardKind.GIFT_CARD: _l("Gift card or coupon"),
        RewardKind.FREE_PRODUCT: _l("Free product or service"),
        RewardKind.EVENT: _l("Event invitation"),
        RewardKind.TRAINING: _l("Training"),
        RewardKind.DAY_OFF: _l("Day off"),
    },
    RedemptionStatus: {
        RedemptionStatus.REQUESTED: _l("Requested"),
        RedemptionStatus.APPROVED: _l("Approved"),
        RedemptionStatus.REJECTED: _l("Rejected"),
        RedemptionStatus.FULFILLED: _l("Fulfilled"),
        RedemptionStatus.CANCELLED: _l("Cancelled"),
    },
    AwardStatus: {
        AwardStatus.DRAFT: _l("Draft"),
        AwardStatus.PUBLISHED: _l("Published"),
        AwardStatus.WITHDRAWN: _l("Withdrawn"),
    },
    CategoryKind: {
        CategoryKind.SERVICE_STAR: _l("Service Star"),
        CategoryKind.SURPRISE: _l("Surprise Service Star"),
    },
    CampaignStage: {
        CampaignStage.REGISTRATION: _l("Registration"),
        CampaignStage.PRELIMINARY: _l("Preliminary round"),
        CampaignStage.SECOND: _l("Second round"),
        CampaignStage.FINAL: _l("Final"),
        CampaignStage.PUBLISHED: _l("Published"),
    },
    SelfEvaluationStatus: {
        SelfEvaluationStatus.SUBMITTED: _l("Awaiting review"),
        SelfEvaluationStatus.ACCEPTED: _l("Accepted"),
        SelfEvaluationStatus.RETURNED: _l("Returned"),
    },
    VoteChannel: {
        VoteChannel.ONLINE: _l("Online"),
        VoteChannel.PAPER: _l("Paper ballot"),
        VoteChannel.PHONE: _l("Phone"),
    },
    BallotStatus: {
        BallotStatus.PRINTED: _l("Printed"),
        BallotStatus.USED: _l("Entered"),
        BallotStatus.VOIDED: _l("Voided"),
    },
    OfflineVoteStatus: {
        OfflineVoteStatus.PENDING: _l("Waiting for the caller's code"),
        OfflineVoteStatus.COUNTED: _l("Counted"),
        OfflineVoteStatus.VOIDED: _l("Voided"),
    },
    PlaceRewardKind: {
        PlaceRewardKind.POINTS: _l("Points"),
        PlaceRewardKind.ITEM: _l("Catalogue item"),
        PlaceRewardKind.COMMITMENT: _l("Commitment"),
    },
    CommitmentKind: {
        CommitmentKind.CASH_BONUS: _l("Cash bonus"),
        CommitmentKind.GIFT_CARD: _l("Gift card or coupon"),
        CommitmentKind.FREE_PRODUCT: _l("Free product or service"),
        CommitmentKind.PUBLIC_PRAISE: _l("Public praise"),
        CommitmentKind.CERTIFICATE: _l("Certificate of honour"),
        CommitmentKind.SPECIAL_EVENT: _l("Invitation to a special event"),
        CommitmentKind.PROMOTION: _l("Promotion priority"),
        CommitmentKind.TRAINING: _l("Training opportunity"),
        CommitmentKind.JOB_ROTATION: _l("Job rotation"),
    },
    ObjectionStatus: {
        ObjectionStatus.OPEN: _l("Awaiting an answer"),
        ObjectionStatus.UPHELD: _l("Upheld"),
        ObjectionStatus.DISMISSED: _l("Dismissed"),
    },
    ObjectionRemedy: {
        ObjectionRemedy.RECOMPUTE: _l("Results recomputed"),
        ObjectionRemedy.REOPEN: _l("Stage reopened"),
        ObjectionRemedy.WITHDRAW: _l("Publication withdrawn to draft"),
    },
}

# The default rating criteria (core.config.DEFAULT_DIMENSIONS), marked for translation
# here; an English label an admin typed is looked up as it is written.
DEFAULT_DIMENSION_LABELS = (_l("Service attitude"), _l("Professional skill"), _l("Efficiency"))


def label(value: enum.Enum) -> str:
    """The label of a stored enum value, in the current language."""
    return str(LABELS[type(value)][value])


def channel_label(value: str) -> str:
    """The label of a vote channel given by its stored value ("online", "paper", "phone")."""
    try:
        return label(VoteChannel(value))
    except ValueError:  # not a channel: shown as stored
        return value


def choices(members: Iterable[enum.Enum]) -> list[tuple[str, LazyString]]:
    """(stored value, lazy label) pairs for a select field: an enum, or some of its members."""
    return [(member.value, LABELS[type(member)][member]) for member in members]


# Period kinds (scoring.periods.PERIOD_KINDS), as one period is named in a sentence.
PERIOD_KIND_LABELS = {
    "month": _l("month"),
    "quarter": _l("quarter"),
    "year": _l("year"),
    "week": _l("week"),
}


def period_kind_label(kind: str) -> str:
    """The name of one period of `kind` ("month"), in the current language."""
    return str(PERIOD_KIND_LABELS.get(kind, kind))


def _dimension_text(dimension) -> str:
    # The Chinese label is the admin's data; without one the English label's translation.
    locale = get_locale()
    if locale is not None and locale.language == "zh" and dimension.label_zh:
        return dimension.label_zh
    return _(dimension.label_en)


def dimension_label(dimension) -> LazyString:
    """The lazy label of a rating dimension (scoring.site_settings.Dimension), per locale."""
    return LazyString(_dimension_text, dimension)


def dimension_labels(dimensions: Iterable = ()) -> dict[str, str]:
    """Labels of overall and of these rating dimensions, by key (the settings service
    passes every dimension ever offered, so old ratings keep theirs)."""
    return {"overall": _("Overall"), **{d.key: _dimension_text(d) for d in dimensions}}


# The criteria managers, candidates and judges score (1..10), by stored field name.
CRITERION_LABELS = {
    "practical_skill": _l("Practical skill"),
    "adaptability": _l("Adaptability"),
    "teamwork": _l("Teamwork"),
    "overall_quality": _l("Overall quality"),
    "service_philosophy": _l("Service philosophy"),
    "innovation": _l("Innovation"),
    "attitude": _l("Attitude"),
    "quality": _l("Quality"),
    "efficiency": _l("Efficiency"),
    "performance": _l("Performance"),
    "growth": _l("Growth"),
    "self_management": _l("Self-management"),
}


# The evaluation sources of a campaign stage (core.services.campaign.sources).
SOURCE_LABELS = {
    "customer": _l("Customer ratings"),
    "supervisor": _l("Supervisor"),
    "colleagues": _l("Colleague votes"),
    "self": _l("Self-evaluation"),
    "judges": _l("Judges"),
}


def criterion_label(key: str) -> str:
    """The label of a scored criterion given as "source:criterion" ("judges:teamwork")."""
    source, _sep, criterion = key.partition(":")
    name = dimension_labels().get(criterion) if source == "customer" else None
    name = name or CRITERION_LABELS.get(criterion, criterion)
    return f"{SOURCE_LABELS.get(source, source)} · {name}"
