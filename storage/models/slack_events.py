"""Events API deliveries already handled, so Slack's retries are recognised and skipped."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.models.base import timestamp_column, utcnow


class EventReceipt(SQLModel, table=True):
    __tablename__ = "event_receipt"

    # Slack's event_id is unique per delivery of one event, and the same across its retries.
    event_id: str = Field(primary_key=True, max_length=64)
    team_id: str = Field(max_length=32, index=True)
    received_at: datetime = Field(
        default_factory=utcnow, sa_column=timestamp_column(nullable=False, index=True)
    )
