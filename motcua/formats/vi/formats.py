"""Date formats for Vietnamese: day before month, as on every Vietnamese form (01/09 is 1 September).

Django's Vietnamese locale has no input formats, so without these "09/01/2027" would be read the
American way. Decimal comma, dot for thousands.
"""

from django.conf.locale.vi.formats import *  # noqa: F403 — extend Django's own locale

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
]
FIRST_DAY_OF_WEEK = 1  # Monday
