"""Time helpers. motcua's clock is timezone-aware, in Asia/Ho_Chi_Minh (UTC+7, no daylight saving)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> datetime:
    """The current moment in Vietnam's time zone."""
    return datetime.now(tz=VN_TZ)


def today() -> date:
    """Today's date in Vietnam (not the server's local date)."""
    return now().date()


def to_local(value: datetime) -> datetime:
    """Convert an aware datetime to Vietnam time; a naive one is a programming error."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("motcua works with timezone-aware datetimes only; got a naive datetime")
    return value.astimezone(VN_TZ)
