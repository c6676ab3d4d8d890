"""Template helpers: bilingual values and money."""

from django import template
from django.utils.translation import get_language

register = template.Library()


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


@register.filter
def tr(value):
    """Pick the active language from a {"vi": …, "en": …} mapping (Vietnamese when English is missing)."""
    if isinstance(value, dict):
        return value.get("en" if _english() else "vi") or value.get("vi", "")
    return value if value is not None else ""


@register.filter
def vnd(amount):
    """Integer VND: 5.000 ₫ in Vietnamese, 5,000 VND in English."""
    try:
        number = int(amount)
    except (TypeError, ValueError):
        return ""
    grouped = f"{number:,}"
    return f"{grouped} VND" if _english() else f"{grouped.replace(',', '.')} ₫"


@register.filter
def get(mapping, key):
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def isodate(value):
    """An ISO date string from a registry answer ("2020-01-02") as a date, for the ``date`` filter."""
    from datetime import date

    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return value


@register.filter
def tojson(value):
    """A value as JSON for a data- attribute (the template escapes it; the browser unescapes it)."""
    import json

    return json.dumps(value, ensure_ascii=False)
