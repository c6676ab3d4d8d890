"""What a dashboard's address asks for: the period (typed day first or as links carry it), the
channel and sector filters, ids and procedure codes, each refused with a message a person can act on."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from motcua.core.errors import ValidationError
from motcua.core.time import today
from motcua.operations import dashboard_selectors as ds
from motcua.operations.selectors import (
    Period,
    period_parse,
)

WEEKLY_UP_TO_DAYS = 92  # a period up to a quarter is shown by week, a longer one by month
FIRST_YEAR, LAST_YEAR = 2000, 2100


# --- what the address asks for ------------------------------------------------------------------------


class Filters:
    """The period and the filters of a page, read from its address, and the links that keep them."""

    def __init__(self, params: Any, *, with_filters: bool = True) -> None:
        self.period = typed_period(params.get("from", "")[:20], params.get("to", "")[:20])
        self.channel = channel_param(params.get("channel", "")[:2]) if with_filters else None
        self.sector = sector_param(params.get("sector", "")[:40]) if with_filters else None
        self.kept: dict[str, str] = {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        if self.channel:
            self.kept["channel"] = str(self.channel)
        if self.sector:
            self.kept["sector"] = self.sector

    @property
    def step(self) -> str:
        return "week" if self.period.days <= WEEKLY_UP_TO_DAYS else "month"

    def quick_periods(self, path: str, extra: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """This month, this quarter, this year, last year: links keeping the filters."""
        day = today()
        quarter = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        choices = [
            (_("This month"), day.replace(day=1), day),
            (_("This quarter"), quarter, day),
            (_("This year"), day.replace(month=1, day=1), day),
            (_("Last year"), date(day.year - 1, 1, 1), date(day.year - 1, 12, 31)),
        ]
        out = []
        for label, first, last in choices:
            params = {**(extra or {}), **self.kept, "from": first.isoformat(), "to": last.isoformat()}
            current = (first, last) == (self.period.start, self.period.end)
            out.append({"label": label, "href": f"{path}?{urlencode(params)}", "current": current})
        return out


def typed_day(value: str, name: str) -> str | date | None:
    """A day as people type it (31/12/2026) or as links carry it (2026-12-31)."""
    value = value.strip()
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value):
        try:
            return datetime.strptime(value, "%d/%m/%Y").date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            raise ValidationError(
                f"Không có ngày “{value}”: hãy viết ngày/tháng/năm, ví dụ 01/01/2026.",
                f"There is no day “{value}”: write day/month/year, e.g. 01/01/2026.",
                code="invalid_date",
                field=name,
            ) from None
    return value or None


def typed_period(start: str, end: str) -> Period:
    period = period_parse(typed_day(start, "from"), typed_day(end, "to"))
    if period.start.year < FIRST_YEAR or period.end.year > LAST_YEAR:
        raise ValidationError(
            f"Chỉ xem được số liệu từ năm {FIRST_YEAR} đến năm {LAST_YEAR}.",
            f"Figures can be shown for the years {FIRST_YEAR} to {LAST_YEAR} only.",
            code="invalid_period",
            field="from",
        )
    return period


def channel_param(value: str) -> int | None:
    if not value:
        return None
    if value not in ("1", "2", "3"):
        raise ValidationError(
            "Kênh không hợp lệ: chọn trực tiếp, trực tuyến hoặc bưu chính.",
            "That is not a channel: choose at a counter, online or by post.",
            code="invalid_channel",
            field="channel",
        )
    return int(value)


def sector_param(value: str) -> str | None:
    if not value:
        return None
    if value not in ds.sector_names(lang="vi"):
        raise ValidationError(
            "Không có lĩnh vực này trong danh mục thủ tục.",
            "There is no such sector in the catalogue.",
            code="invalid_sector",
            field="sector",
        )
    return value


def id_param(params: Any, name: str) -> int | None:
    value = params.get(name, "")
    if not value:
        return None
    if not value.isdecimal() or len(value) > 12:
        raise ValidationError(
            f"Giá trị “{value[:20]}” của “{name}” không hợp lệ.",
            f"“{value[:20]}” is not a valid value for “{name}”.",
            code="invalid_parameter",
            field=name,
        )
    return int(value)


def procedure_param(params: Any) -> str | None:
    from motcua.core.converters import ProcedureCodeConverter

    value = params.get("procedure", "")[:20]
    if not value:
        return None
    if not re.fullmatch(ProcedureCodeConverter.regex, value):
        raise ValidationError(
            f"Mã thủ tục “{value}” không đúng dạng (ví dụ 1.001193).",
            f"The procedure code “{value}” is not in the right form (e.g. 1.001193).",
            code="invalid_parameter",
            field="procedure",
        )
    return value
