"""What the synthetic history looks like: how often each procedure is asked for, the week, the month,
the growth, the online share, how late each sector runs, the reasons and the names it writes."""

from __future__ import annotations

REFERENCE_PREFIX = "SY-"
LEGACY_SUFFIX_VI = " (trước 01/7/2025)"
LEGACY_SUFFIX_EN = " (before 1 July 2025)"
LEGACY_COMMUNE_BLOCK = 80
LEGACY_PROVINCE_BLOCK = 90
BACKLOG_DAYS = 56  # how far back some dossiers are still open
WAITING_AFTER_DAYS = 7  # older open ones mostly wait for the applicant
CHUNK = 20_000  # dossiers written per batch (and per progress tick)
MAX_PER_AGENCY_DAY = 9999  # the code's four digits

# How often each procedure is asked for, relative to the others (a commune's year); unknown ones 1.
PROCEDURE_WEIGHTS = {
    "2.000815": 30.0,  # certified copies: the bulk of a commune's counter
    "2.000884": 8.0,  # certifying a signature
    "1.004206": 9.0,  # temporary residence
    "1.004194": 7.0,  # permanent residence
    "1.004227": 3.0,
    "1.004258": 2.0,
    "1.001193": 6.0,  # birth registration
    "1.004873": 6.0,  # certificate of marital status
    "2.000635": 4.0,
    "1.000656": 2.5,
    "1.000894": 2.5,
    "1.004884": 1.5,
    "1.004859": 1.0,
    "1.001022": 0.4,
    "1.004837": 0.2,
    "1.001776": 1.0,
    "1.009994": 1.2,
    "1.012784": 1.0,
    "1.012790": 1.5,
    "2.000720": 1.5,
    "2.000662": 0.8,
    "2.000575": 0.6,
    "2.000488": 3.0,  # judicial record certificates (the city's department)
    "1.002809": 2.0,
    "1.002966": 1.5,
    "1.001714": 0.5,
    "2.002157": 0.8,
}
ONLINE_PROPENSITY = {"full": 1.0, "partial": 0.6, "none": 0.0}
LATE_FACTOR_BY_SECTOR = {"land": 2.5, "construction": 2.2, "social_protection": 1.5, "enterprise": 1.3}
WEEKDAY_FACTOR = (1.15, 1.05, 1.0, 0.95, 0.85, 0.5, 0.5)  # Mon…Sun (weekend days are days off)
MONTH_FACTOR = (1.1, 0.85, 1.0, 1.0, 0.95, 1.05, 1.05, 1.0, 0.95, 1.0, 1.05, 1.12)
GROWTH_PER_YEAR = 0.08
ONLINE_AT_START, ONLINE_AT_END = 0.15, 0.52
REASONS = {
    "refuse": "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
    "refuse_after_processing": "Không đủ điều kiện theo quy định.",
    "request_withdrawal": "Người nộp không còn nhu cầu.",
    "confirm_withdrawal": "Người nộp xin rút hồ sơ.",
    "stop": "Người nộp không bổ sung hồ sơ theo yêu cầu.",
}
MISSING = [{"vi": "Bản sao giấy tờ chứng minh còn thiếu", "en": "A copy of the missing supporting paper"}]
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi")  # fmt: skip
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Đức", "Hoài")  # fmt: skip
GIVEN = (
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khoa", "Lan", "Long", "Mai", "Nam",
    "Ngân", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tuấn", "Vy", "Yến",
)  # fmt: skip
