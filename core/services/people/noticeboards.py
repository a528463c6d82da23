"""A branch's staff noticeboard: one secret link, for the staff-room wall (as a QR code).

Anyone with the link sees the branch's announced selection results and the points rules,
so it shows nothing private: no breakdowns, no points of anyone. Only the SHA-256 of the
secret is stored; issuing a new link or revoking it makes the old one stop working.
"""

from sqlalchemy import select

from core.database import write_locked
from core.extensions import db
from core.models import Branch, User
from core.services.audit import record_audit
from core.services.tokens import sha256_hex, url_secret
from core.urls import public_url

SECRET_MAX = 128


def issue_noticeboard_link(branch: Branch, actor: User | None) -> str:
    """A new noticeboard link for the branch (the previous one stops working); its URL."""
    secret = url_secret()
    branch = write_locked(Branch, branch.id)
    branch.noticeboard_token_hash = sha256_hex(secret)
    record_audit("branch.issue_noticeboard", "branch", branch.id, user=actor)
    db.session.commit()
    return public_url("staff.noticeboard", secret=secret)


def revoke_noticeboard_link(branch: Branch, actor: User | None) -> None:
    """Make the branch's noticeboard link stop working."""
    branch = write_locked(Branch, branch.id)
    branch.noticeboard_token_hash = None
    record_audit("branch.revoke_noticeboard", "branch", branch.id, user=actor)
    db.session.commit()


def branch_for_noticeboard(secret: str | None) -> Branch | None:
    """The active branch whose noticeboard link carries this secret, else None."""
    if not secret or len(secret) > SECRET_MAX:
        return None
    branch = db.session.scalar(
        select(Branch).where(Branch.noticeboard_token_hash == sha256_hex(secret))
    )
    return branch if branch is not None and branch.active else None
