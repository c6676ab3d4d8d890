"""The demo agencies of Ho Chi Minh City, with electronic ids in the Decision 20/2020 format.

The ids follow the dotted four-level shape ``LLL.KK.JJ.H29`` but are *demo* ids assigned by a fixed
scheme (docs/decisions/0002-demo-agency-ids.md), not the official register: a province loads its own
list through the admin or an import.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.places.models import AdministrativeUnit, Agency
from motcua.places.text import strip_diacritics

PROVINCE_LETTER_CODE = "H29"  # Ho Chi Minh City in the Decision 20/2020 list

# (level-2 code, Vietnamese name, English name, kind)
CITY_AGENCIES = [
    (
        "01",
        "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh",
        "Ho Chi Minh City Public Administration Service Centre",
        Agency.Kind.PROVINCIAL_SERVICE_CENTRE,
    ),
    ("02", "Sở Tư pháp", "Department of Justice", Agency.Kind.DEPARTMENT),
    ("03", "Sở Xây dựng", "Department of Construction", Agency.Kind.DEPARTMENT),
    (
        "04",
        "Sở Nông nghiệp và Môi trường",
        "Department of Agriculture and Environment",
        Agency.Kind.DEPARTMENT,
    ),
    ("05", "Sở Tài chính", "Department of Finance", Agency.Kind.DEPARTMENT),
    ("06", "Sở Nội vụ", "Department of Home Affairs", Agency.Kind.DEPARTMENT),
    ("07", "Sở Y tế", "Department of Health", Agency.Kind.DEPARTMENT),
    ("08", "Sở Giáo dục và Đào tạo", "Department of Education and Training", Agency.Kind.DEPARTMENT),
    ("09", "Sở Công Thương", "Department of Industry and Trade", Agency.Kind.DEPARTMENT),
    ("10", "Sở Văn hóa và Thể thao", "Department of Culture and Sports", Agency.Kind.DEPARTMENT),
    ("11", "Sở Khoa học và Công nghệ", "Department of Science and Technology", Agency.Kind.DEPARTMENT),
    ("12", "Sở Dân tộc và Tôn giáo", "Department of Ethnic Minorities and Religions", Agency.Kind.DEPARTMENT),
    ("13", "Sở Du lịch", "Department of Tourism", Agency.Kind.DEPARTMENT),
    ("20", "Công an Thành phố Hồ Chí Minh", "Ho Chi Minh City Police", Agency.Kind.POLICE),
    (
        "21",
        "Bảo hiểm xã hội Thành phố Hồ Chí Minh",
        "Ho Chi Minh City Social Insurance",
        Agency.Kind.SOCIAL_INSURANCE,
    ),
    ("22", "Thuế Thành phố Hồ Chí Minh", "Ho Chi Minh City Tax", Agency.Kind.TAX),
]
# Communes are numbered in blocks of 99 under level-2 codes 30, 31, … (the format has two digits).
COMMUNE_BLOCK_START = 30
# Level-4 code of each agency of a commune.
# (level-4 code, name, English name, kind, parent: "city" = the city People's Committee, "commune" = the
# commune's own People's Committee, else the level-2 code of a city agency)
COMMUNE_AGENCIES = [
    (
        "000",
        "Ủy ban nhân dân {name}",
        "People's Committee of {name_en}",
        Agency.Kind.COMMUNE_PEOPLES_COMMITTEE,
        "city",
    ),
    (
        "001",
        "Trung tâm Phục vụ hành chính công {name}",
        "Public Administration Service Centre of {name_en}",
        Agency.Kind.COMMUNE_SERVICE_CENTRE,
        "commune",
    ),
    ("002", "Công an {name}", "Police of {name_en}", Agency.Kind.POLICE, "20"),
]
_KIND_EN = {"ward": "Ward", "commune": "Commune", "special_zone": "Special Zone"}


@dataclass(frozen=True)
class AgencySpec:
    electronic_id: str
    name: str
    name_en: str
    kind: str
    unit: AdministrativeUnit
    parent_id: str | None


def commune_agency_id(index: int, level4: str = "000") -> str:
    """Electronic id of the ``index``-th commune's agency (``index`` from 1, in official code order)."""
    block, number = divmod(index - 1, 99)
    return f"{level4}.{number + 1:02d}.{COMMUNE_BLOCK_START + block:02d}.{PROVINCE_LETTER_CODE}"


def hcmc_agencies(units: tuple[AdministrativeUnit, list[AdministrativeUnit]]) -> list[AgencySpec]:
    city, communes = units
    city_pc = f"000.00.00.{PROVINCE_LETTER_CODE}"
    specs = [
        AgencySpec(
            city_pc,
            "Ủy ban nhân dân Thành phố Hồ Chí Minh",
            "Ho Chi Minh City People's Committee",
            Agency.Kind.PROVINCIAL_PEOPLES_COMMITTEE,
            city,
            None,
        )
    ]
    for code, name, name_en, kind in CITY_AGENCIES:
        specs.append(AgencySpec(f"000.00.{code}.{PROVINCE_LETTER_CODE}", name, name_en, kind, city, city_pc))
    for index, commune in enumerate(communes, start=1):
        name_en = f"{strip_diacritics(commune.short_name)} {_KIND_EN[commune.kind]}"
        pc_id = commune_agency_id(index)
        for level4, name, english, kind, parent in COMMUNE_AGENCIES:
            parent_id = {"city": city_pc, "commune": pc_id}.get(
                parent, f"000.00.{parent}.{PROVINCE_LETTER_CODE}"
            )
            specs.append(
                AgencySpec(
                    commune_agency_id(index, level4),
                    name.format(name=commune.name),
                    english.format(name_en=name_en),
                    kind,
                    commune,
                    parent_id,
                )
            )
    return specs
