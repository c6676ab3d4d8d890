"""Vietnamese name normalisation for matching what people type against official names."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def strip_diacritics(text: str) -> str:
    """``"Phường Bến Thành"`` → ``"Phuong Ben Thanh"`` (đ/Đ become d/D, which NFKD does not do)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(text: str) -> str:
    """``"Phường 9"``, ``"phuong 9"``, ``"PHƯỜNG-9"`` → ``"phuong9"``: the form units are matched on."""
    return _NON_ALNUM.sub("", strip_diacritics(text).lower())


# Abbreviations people write before unit names ("P.9", "Q.5", "TP. HCM", "TX Thuận An").
_PREFIXES = {
    "tp": "thanhpho",
    "tx": "thixa",
    "tt": "thitran",
    "p": "phuong",
    "q": "quan",
    "h": "huyen",
    "x": "xa",
}
_PREFIX_RE = re.compile(r"^\s*(tp|tx|tt|p|q|h|x)\s*[.\s]\s*(?=\S)", re.IGNORECASE)
_WORD_PREFIX_RE = re.compile(
    r"^\s*(thanh pho|tinh|quan|huyen|thi xa|thi tran|phuong|xa|dac khu)\s+(?=\S)", re.IGNORECASE
)


def typed_name_keys(text: str) -> list[str]:
    """Keys to try for a typed unit name, best first: as written; with a leading abbreviation
    expanded ("P.9" → "phuong9"); without its kind word ("TP HCM" → "hcm", a known alias)."""
    plain = strip_diacritics(text).strip()
    keys = [name_key(plain)]
    match = _PREFIX_RE.match(plain)
    if match:
        keys.append(_PREFIXES[match.group(1).lower()] + name_key(plain[match.end() :]))
    match = match or _WORD_PREFIX_RE.match(plain)
    if match:
        keys.append(name_key(plain[match.end() :]))
    return list(dict.fromkeys(k for k in keys if k))
