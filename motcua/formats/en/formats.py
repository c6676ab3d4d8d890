"""Date formats for the English interface: still day before month, as in Viet Nam."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

from motcua.formats.vi.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, FIRST_DAY_OF_WEEK  # noqa: F401
