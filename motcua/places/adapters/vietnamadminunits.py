"""Reads the official unit lists shipped in the ``vietnamadminunits`` package (MIT licence).

The package holds the 2025 structure (34 provinces, 3,321 commune-level units), the pre-2025
structure (63 provinces, 696 districts, 10,035 communes) and which old commune became which new
one. This module only reads those files and hands back plain records; ``places.services`` loads them.
Nothing here touches the network (the package's own converter can geocode; we do not call it).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources

PROVINCE_KIND = {"Thành phố": "city", "Tỉnh": "province"}
DISTRICT_KIND = {
    "Quận": "urban_district",
    "Huyện": "rural_district",
    "Thị xã": "town",
    "Thành phố": "provincial_city",
}
COMMUNE_KIND = {"Phường": "ward", "Xã": "commune", "Thị trấn": "township", "Đặc khu": "special_zone"}


@dataclass(frozen=True)
class UnitRecord:
    level: int
    code: str
    kind: str
    name: str
    short_name: str
    parent_code: str | None
    keys: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Succession:
    predecessor: tuple[int, str]  # (level, code) of the pre-2025 unit
    successor: tuple[int, str]  # (level, code) of the 2025 unit


def _dataset_path():
    return resources.files("vietnamadminunits") / "data"


def _rows(sql: str) -> list[sqlite3.Row]:
    with resources.as_file(_dataset_path() / "dataset.db") as path:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.row_factory = sqlite3.Row
            return conn.execute(sql).fetchall()
        finally:
            conn.close()


def _keys(*values: str | None) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        if not value:
            continue
        items = json.loads(value) if value.startswith("[") else [value]
        out.extend(k for k in items if k and k not in out)
    return tuple(out)


def _kind_of(name: str, kinds: dict[str, str]) -> str:
    for prefix, kind in kinds.items():
        if name.startswith(prefix + " "):
            return kind
    raise ValueError(f"Unknown unit kind in name {name!r}")


def current_units() -> Iterator[UnitRecord]:
    """The 2025 structure: provinces first, then their commune-level units."""
    for r in _rows(
        "SELECT DISTINCT province, provinceShort, provinceCode, provinceKey, provinceShortKey, "
        "provinceKeywords FROM admin_units ORDER BY provinceCode"
    ):
        yield UnitRecord(
            1,
            r["provinceCode"],
            _kind_of(r["province"], PROVINCE_KIND),
            r["province"],
            r["provinceShort"],
            None,
            _keys(r["provinceKey"], r["provinceShortKey"], r["provinceKeywords"]),
        )
    for r in _rows("SELECT * FROM admin_units ORDER BY provinceCode, wardCode"):
        yield UnitRecord(
            3,
            r["wardCode"],
            COMMUNE_KIND[r["wardType"]],
            r["ward"],
            r["wardShort"],
            r["provinceCode"],
            _keys(r["wardKey"], r["wardShortKey"], r["wardKeywords"]),
        )


def legacy_units() -> Iterator[UnitRecord]:
    """The pre-2025 three-level structure, provinces first, then districts, then communes."""
    rows = _rows("SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode")
    seen: set[tuple[int, str]] = set()
    for r in rows:
        if (1, r["provinceCode"]) not in seen:
            seen.add((1, r["provinceCode"]))
            yield UnitRecord(
                1,
                r["provinceCode"],
                _kind_of(r["province"], PROVINCE_KIND),
                r["province"],
                r["provinceShort"],
                None,
                _keys(r["provinceKey"], r["provinceShortKey"], r["provinceKeywords"]),
            )
    for r in rows:
        if (2, r["districtCode"]) not in seen:
            seen.add((2, r["districtCode"]))
            yield UnitRecord(
                2,
                r["districtCode"],
                DISTRICT_KIND[r["districtType"]],
                r["district"],
                r["districtShort"],
                r["provinceCode"],
                _keys(r["districtKey"], r["districtShortKey"], r["districtKeywords"]),
            )
    for r in rows:
        if r["wardCode"] and (3, r["wardCode"]) not in seen:
            seen.add((3, r["wardCode"]))
            yield UnitRecord(
                3,
                r["wardCode"],
                COMMUNE_KIND[r["wardType"]],
                r["ward"],
                r["wardShort"],
                r["districtCode"],
                _keys(r["wardKey"], r["wardShortKey"], r["wardKeywords"]),
            )


def successions() -> Iterator[Succession]:
    """Old province → new province(s); old commune (or island district) → new commune(s).

    A commune split between several new units yields one succession per part: callers must offer
    every candidate, never pick one silently.
    """
    data = json.loads((_dataset_path() / "converter_2025.json").read_text(encoding="utf-8"))
    new_provinces = {
        r["provinceKey"]: r["provinceCode"]
        for r in _rows("SELECT DISTINCT provinceKey, provinceCode FROM admin_units")
    }
    new_wards = {
        (r["provinceKey"], r["wardKey"]): r["wardCode"]
        for r in _rows("SELECT provinceKey, wardKey, wardCode FROM admin_units")
    }
    old_provinces = {
        r["provinceKey"]: r["provinceCode"]
        for r in _rows("SELECT DISTINCT provinceKey, provinceCode FROM admin_units_legacy")
    }
    old_wards: dict[str, tuple[int, str]] = {}
    for r in _rows(
        "SELECT provinceKey, districtKey, wardKey, districtCode, wardCode FROM admin_units_legacy"
    ):
        composite = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        old_wards[composite] = (3, r["wardCode"]) if r["wardCode"] else (2, r["districtCode"])

    for new_key, old_keys in data["DICT_PROVINCE"].items():
        for old_key in old_keys:
            yield Succession((1, old_provinces[old_key]), (1, new_provinces[new_key]))
    for new_province, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, old_composites in wards.items():
            for composite in old_composites:
                if composite in old_wards:
                    yield Succession(old_wards[composite], (3, new_wards[(new_province, new_ward)]))
    for new_province, splits in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for composite, parts in splits.items():
            if composite in old_wards:
                for part in parts:
                    yield Succession(old_wards[composite], (3, new_wards[(new_province, part["newWardKey"])]))
