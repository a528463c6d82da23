"""Site settings that admins change: one row per version, in force from its moment."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import UTCDateTime, utcnow


class SiteSettingsVersion(db.Model):
    """The settings from `effective_from` on, until a later version starts.

    Rows are never edited: the settings at a past moment stay what they were, so a past
    period's scores and labels can always be explained. The values are
    scoring.site_settings.SiteSettings.to_dict().
    """

    __table_args__ = (Index("ix_site_settings_version_effective", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime)
    values: Mapped[dict] = mapped_column(JSON)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
