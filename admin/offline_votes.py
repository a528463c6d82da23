"""Offline customer votes of a campaign: print and void paper ballots, enter them, take
votes by phone, list, void and export them. The rules: core.services.campaign.offline_votes.
"""

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from admin import bp
from admin.access import require_branch, staff_required, visible_branch_ids
from admin.campaigns import campaign_or_404, campaign_row_or_404
from admin.offline_forms import (
    BallotCodeForm,
    ConfirmPhoneVoteForm,
    PrintBallotsForm,
    VoidBallotForm,
    VoidVoteForm,
    mark_field_name,
    marks_form,
    stars_of,
)
from admin.pages import form_page
from core.actions import attempt
from core.forms import to_choices
from core.models import BallotBatch, OfflineVote
from core.services.campaign.ballots import batch_candidates, print_batch, void_ballot
from core.services.campaign.offline_list import (
    offline_votes,
    offline_votes_csv,
    suspicious_vote_ids,
)
from core.services.campaign.offline_votes import (
    ballot_to_enter,
    batches_of,
    confirm_phone_vote,
    enter_paper_ballot,
    phone_candidates,
    start_phone_vote,
    void_vote,
)
from core.services.people.cards import qr_svg
from core.services.ratings.one_time_codes import vote_code_not_sent


def _branches(campaign):
    """The campaign's branches the user runs, by name."""
    visible = visible_branch_ids()
    return sorted(
        (b for b in campaign.branches if visible is None or b.id in visible), key=lambda b: b.name
    )


@bp.get("/campaigns/<int:campaign_id>/offline")
@staff_required
def offline_vote_list(campaign_id: int):
    """The campaign's paper ballot batches and offline votes, suspicious ones flagged."""
    campaign = campaign_or_404(campaign_id)
    visible = visible_branch_ids()
    return render_template(
        "admin/offline/list.html",
        campaign=campaign,
        branches=_branches(campaign),
        batches=batches_of(campaign, visible),
        votes=offline_votes(campaign, visible),
        flagged=suspicious_vote_ids(campaign),
    )


@bp.get("/campaigns/<int:campaign_id>/offline.csv")
@staff_required
def offline_vote_export(campaign_id: int):
    """The campaign's offline votes of the user's branches as CSV."""
    campaign = campaign_or_404(campaign_id)
    return Response(
        offline_votes_csv(campaign, visible_branch_ids()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="offline-votes-{campaign.id}.csv"'},
    )


@bp.route("/campaigns/<int:campaign_id>/ballots/print", methods=["GET", "POST"])
@staff_required
def ballot_print(campaign_id: int):
    """Print a numbered batch of A5 ballots for a branch: the codes are shown this once."""
    campaign = campaign_or_404(campaign_id)
    form = PrintBallotsForm()
    form.branch_id.choices = to_choices((b.id, b.name) for b in _branches(campaign))
    printed = form.validate_on_submit() and attempt(
        lambda: print_batch(campaign, form.branch_id.data, form.count.data, current_user),
        None,
        form=form,
    )
    if not printed:
        return form_page("admin/offline/print_form.html", form, campaign=campaign)
    batch, codes = printed.value
    # Built by qr_svg from numbers only, so it is safe to embed as markup.
    ballots = [(n, code, Markup(qr_svg(code))) for n, code in enumerate(codes, 1)]  # noqa: S704
    return render_template(
        "admin/offline/ballots.html",
        campaign=campaign,
        batch=batch,
        candidates=batch_candidates(batch),
        ballots=ballots,
    )


@bp.route("/campaigns/<int:campaign_id>/ballot-batches/<int:batch_id>", methods=["GET", "POST"])
@staff_required
def ballot_batch(campaign_id: int, batch_id: int):
    """A batch's ballots and their status; void a spoiled or lost one with a reason."""
    campaign = campaign_or_404(campaign_id)
    batch = campaign_row_or_404(BallotBatch, batch_id, campaign)
    require_branch(batch.branch_id)
    form = VoidBallotForm()
    if form.validate_on_submit() and attempt(
        lambda: void_ballot(batch, form.number.data, form.reason.data, current_user),
        _("Ballot %(number)d is voided.", number=form.number.data),
        form=form,
    ):
        return redirect(url_for("admin.ballot_batch", campaign_id=campaign.id, batch_id=batch.id))
    return form_page("admin/offline/batch.html", form, campaign=campaign, batch=batch)


@bp.route("/campaigns/<int:campaign_id>/ballots/enter", methods=["GET", "POST"])
@staff_required
def ballot_enter(campaign_id: int):
    """Enter a paper ballot: its code first, then the customer's phone and the marks."""
    campaign = campaign_or_404(campaign_id)
    code_form = BallotCodeForm()
    found = code_form.validate_on_submit() and attempt(
        lambda: ballot_to_enter(campaign, code_form.code.data, current_user), None, form=code_form
    )
    if not found:
        return form_page("admin/offline/enter_code.html", code_form, campaign=campaign)
    candidates = found.value[1]
    form = marks_form(candidates, with_code=True)
    second_step = "phone" in request.form  # the first step posts the code alone
    if second_step and attempt(
        lambda: enter_paper_ballot(
            campaign, form.code.data, form.phone.data, stars_of(form, candidates), current_user
        ),
        _("The ballot is entered."),
        form=form,
    ):
        return redirect(url_for("admin.ballot_enter", campaign_id=campaign.id))
    return form_page(
        "admin/offline/enter_marks.html", form, failed=second_step, campaign=campaign,
        candidates=candidates, mark_field_name=mark_field_name,
    )  # fmt: skip


@bp.route("/campaigns/<int:campaign_id>/phone-votes/<int:branch_id>", methods=["GET", "POST"])
@staff_required
def phone_vote_new(campaign_id: int, branch_id: int):
    """Take a vote by phone: the caller's number and marks; a code is texted to them."""
    campaign = campaign_or_404(campaign_id)
    require_branch(branch_id)
    found = attempt(lambda: phone_candidates(campaign, branch_id, current_user), None)
    if not found:
        return redirect(url_for("admin.offline_vote_list", campaign_id=campaign.id))
    candidates = found.value
    form = marks_form(candidates, with_code=False)
    started = form.validate_on_submit() and attempt(
        lambda: start_phone_vote(
            campaign, branch_id, form.phone.data, stars_of(form, candidates), current_user
        ),
        lambda s: _("A code was texted to %(hint)s. Ask the caller to read it back.", hint=s.hint),
        form=form,
    )
    if started:
        return redirect(
            url_for(
                "admin.phone_vote_confirm", campaign_id=campaign.id, vote_id=started.value.vote_id
            )
        )
    return form_page(
        "admin/offline/phone.html", form, campaign=campaign, candidates=candidates,
        mark_field_name=mark_field_name,
    )  # fmt: skip


@bp.route("/campaigns/<int:campaign_id>/phone-votes/<int:vote_id>/confirm", methods=["GET", "POST"])
@staff_required
def phone_vote_confirm(campaign_id: int, vote_id: int):
    """Count a phone vote once the caller reads back the code texted to them."""
    campaign = campaign_or_404(campaign_id)
    vote = campaign_row_or_404(OfflineVote, vote_id, campaign)
    require_branch(vote.branch_id)
    form = ConfirmPhoneVoteForm()
    if form.validate_on_submit() and attempt(
        lambda: confirm_phone_vote(vote.id, form.code.data, current_user),
        _("The phone vote is confirmed and counts."),
        form=form,
    ):
        return redirect(url_for("admin.offline_vote_list", campaign_id=campaign.id))
    return form_page(
        "admin/offline/confirm.html", form, campaign=campaign, vote=vote,
        not_sent=vote_code_not_sent(vote.id),
    )  # fmt: skip


@bp.route("/campaigns/<int:campaign_id>/offline/<int:vote_id>/void", methods=["GET", "POST"])
@staff_required
def offline_vote_void(campaign_id: int, vote_id: int):
    """Void an offline vote with a reason: it stops counting."""
    campaign = campaign_or_404(campaign_id)
    vote = campaign_row_or_404(OfflineVote, vote_id, campaign)
    require_branch(vote.branch_id)
    form = VoidVoteForm()
    if form.validate_on_submit() and attempt(
        lambda: void_vote(vote, form.reason.data, current_user),
        _("The vote is voided and no longer counts."),
        form=form,
    ):
        return redirect(url_for("admin.offline_vote_list", campaign_id=campaign.id))
    return form_page("admin/offline/void.html", form, campaign=campaign, vote=vote)
