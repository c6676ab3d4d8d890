"""How the values of a dossier's form are printed on a result: dates day first and in words, choices
by their label, countries by the names Vietnamese papers use, numbers in words; and what an
applicant typed made safe to print (characters Roboto cannot draw, control characters, length)."""

from __future__ import annotations

import gettext
import unicodedata
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import font_roboto
import pycountry
from fontTools.ttLib import TTFont

from motcua.core.time import to_local

FONTS = Path(font_roboto.__file__).parent / "files"
FONT_FILES = {"": "Roboto-Regular.ttf", "B": "Roboto-Bold.ttf", "I": "Roboto-Italic.ttf"}
VALUE_CHARACTERS, VALUE_LINES = 1000, 20
MISSING = "—"

# pycountry's Vietnamese names are old or colloquial for many neighbours and partners ("Nam Hàn",
# "Căm Bốt", "Nam Dương"); papers use the names of the Ministry of Foreign Affairs.
COUNTRY_NAMES = {
    "CZ": "Séc",
    "GB": "Vương quốc Anh",
    "ID": "In-đô-nê-xi-a",
    "IN": "Ấn Độ",
    "JP": "Nhật Bản",
    "KH": "Cam-pu-chia",
    "KP": "Triều Tiên",
    "KR": "Hàn Quốc",
    "LA": "Lào",
    "NL": "Hà Lan",
    "NZ": "Niu Di-lân",
    "PH": "Phi-líp-pin",
    "RU": "Liên bang Nga",
    "SE": "Thụy Điển",
    "SG": "Xinh-ga-po",
    "TR": "Thổ Nhĩ Kỳ",
    "TW": "Đài Loan (Trung Quốc)",
    "US": "Hoa Kỳ",
}


@cache
def _printable() -> frozenset[int]:
    """The code points every style of Roboto used here can draw."""
    covered: set[int] | None = None
    for name in FONT_FILES.values():
        font = TTFont(str(FONTS / name), lazy=True)
        points = set(font.getBestCmap())
        font.close()
        covered = points if covered is None else covered & points
    return frozenset(covered or ())


def clean_text(value: str, *, limit: int = VALUE_CHARACTERS, lines: int = VALUE_LINES) -> str:
    """``value`` safe to print: composed Vietnamese letters (a name typed on a Mac arrives
    decomposed), no control or invisible formatting characters (a right-to-left override would
    reorder what the reader sees), "�" for what the font cannot draw (an emoji), at most ``lines``
    lines and ``limit`` characters, then "…"."""
    printable = _printable()
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\t", " ")
    kept: list[str] = []
    for char in text:
        if char == "\n":
            kept.append(char)
            continue
        category = unicodedata.category(char)
        if category[0] == "C" or category in ("Zl", "Zp"):
            continue
        if ord(char) not in printable:
            if category[0] == "M":  # a skin tone or variant selector of a symbol already replaced
                continue
            char = "\ufffd"
            if kept and kept[-1] == char:
                continue
        kept.append(char)
    all_lines = [" ".join(line.split()) for line in "".join(kept).split("\n")]
    all_lines = [line for line in all_lines if line]
    cut = "\n".join(all_lines[:lines])
    if len(cut) > limit:
        cut = cut[:limit].rstrip()
    return cut + "…" if cut != "\n".join(all_lines) else cut


@cache
def _country_names() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["vi"], fallback=True)


def country_name(code: str) -> str:
    """A country by its Vietnamese name ("VN" → "Việt Nam"); the code when it is not a country."""
    code = code.strip().upper()
    if code in COUNTRY_NAMES:
        return COUNTRY_NAMES[code]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    return _country_names().gettext(country.name) if country else code


DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _tens_in_words(number: int, *, after_hundreds: bool) -> str:
    tens, units = divmod(number, 10)
    if tens == 0:
        return f"linh {DIGITS[units]}" if after_hundreds else DIGITS[units]
    head = "mười" if tens == 1 else f"{DIGITS[tens]} mươi"
    if units == 0:
        return head
    if units == 5:
        tail = "lăm"
    elif units == 1 and tens > 1:
        tail = "mốt"
    elif units == 4 and tens > 1:
        tail = "tư"
    else:
        tail = DIGITS[units]
    return f"{head} {tail}"


def number_in_words(number: int) -> str:
    """0–9999 in Vietnamese words: 2025 → "hai nghìn không trăm hai mươi lăm"."""
    if not 0 <= number < 10000:
        raise ValueError("only 0–9999 are written in words")
    if number < 10:
        return DIGITS[number]
    thousands, rest = divmod(number, 1000)
    words = [DIGITS[thousands], "nghìn"] if thousands else []
    if thousands and rest == 0:
        return " ".join(words)
    hundreds, tens = divmod(rest, 100)
    if hundreds or thousands:
        words += [DIGITS[hundreds], "trăm"]
    if tens:
        words.append(_tens_in_words(tens, after_hundreds=bool(words)))
    return " ".join(words)


def date_in_words(day: date) -> str:
    """A date as civil-status papers write it out beside the figures ("ghi bằng chữ")."""
    month = "tư" if day.month == 4 else number_in_words(day.month)
    return f"ngày {number_in_words(day.day)} tháng {month} năm {number_in_words(day.year)}"


def _number(value: float) -> str:
    """Vietnamese digits: "." between thousands, "," before decimals (85,5; 500.000.000)."""
    whole = f"{value:,.2f}".rstrip("0").rstrip(".")
    return whole.replace(",", " ").replace(".", ",").replace(" ", ".")


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def display_value(spec: dict[str, Any] | None, value: Any) -> str:
    """A form value as the document prints it: dates day first, yes/no in words, a choice by its
    label, a country by name, a place as its address, numbers with Vietnamese separators; "—" when
    there is nothing."""
    spec = spec or {}
    kind = spec.get("type", "")
    if value is None or value == "" or value == [] or value == {}:
        return MISSING
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dict):
        if value.get("kind") == "foreign" and value.get("country"):  # recorded with the English name
            value = {**value, "label": country_name(str(value["country"]))}
        parts = (
            [value.get("text"), value.get("label")] if {"text", "label"} & value.keys() else value.values()
        )
        text = ", ".join(str(part) for part in parts if part not in (None, "", [], {}))
        return clean_text(text) or MISSING
    if isinstance(value, list | tuple):
        return clean_text("; ".join(display_value({}, item) for item in value))
    for option in spec.get("options", []):
        if str(option.get("value")) == str(value):
            return clean_text(option["label"]["vi"])
    if kind == "country" and isinstance(value, str):
        return clean_text(country_name(value))
    if isinstance(value, datetime) or (kind == "datetime" and isinstance(value, str)):
        moment = value if isinstance(value, datetime) else _moment(value)
        if moment is None:
            return clean_text(str(value))
        if moment.tzinfo is not None:
            moment = to_local(moment)
        return f"{moment:%H} giờ {moment:%M} phút, ngày {moment:%d/%m/%Y}"
    if isinstance(value, date) or (kind == "date" and isinstance(value, str)):
        day = value if isinstance(value, date) else _date(value)
        return f"{day:%d/%m/%Y}" if day else clean_text(str(value))
    if kind == "decimal" and isinstance(value, int | float):
        return _number(float(value))
    return clean_text(str(value))


def _moment(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
