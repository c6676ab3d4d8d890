"""URL converters shared by the apps."""


class ProcedureCodeConverter:
    """National procedure codes only (1.001193): anything else is a 404 before any query, so odd
    input (NUL, long strings) never reaches the database."""

    regex = r"[0-9]\.[0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
