"""A browser's push subscription: one row per device (endpoint) a person turned notifications on for."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, TimestampMixin


class PushSubscription(TimestampMixin, Base):
    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    # The push service's URL for this browser: unique per device, the device's identity here.
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))  # the browser's public key (base64url)
    auth: Mapped[str] = mapped_column(sa.String(100))  # its 16-byte auth secret (base64url)
    device: Mapped[str] = mapped_column(sa.String(80), default="")  # "Chrome on Android", from the User-Agent
    last_success_at: Mapped[datetime | None]

    def info(self) -> dict:
        """What pywebpush calls subscription_info."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
