"""A synthetic population, business registry and document store, deterministic for a seed.

Households with consistent family links (spouses point at each other, children at both parents and
take the father's family name), personal numbers consistent with birth year, sex and the province
where the birth was registered, addresses in Ho Chi Minh City's 2025 wards and elsewhere, and the
hard cases the exception queue exists for: people born abroad, naturalised, deceased, or known only
by a pre-2025 address. Written in chunks with bulk inserts, so a million people take minutes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from motcua.accounts.identity import LEGACY_PROVINCE_CODES
from motcua.core.time import today
from motcua.places.models import LEGACY_END, AdministrativeUnit
from motcua.registries.models import Business, Household, Person, StoredDocument

FAMILY = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Huỳnh", 5),
    ("Hoàng", 4),
    ("Phan", 4),
    ("Vũ", 3),
    ("Võ", 4),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Trương", 1),
    ("Đinh", 1),
    ("Lâm", 1),
    ("Mai", 1),
]
MIDDLE = {
    "male": ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Gia", "Hoàng", "Tuấn"],
    "female": ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Mỹ", "Bảo", "Phương", "Hồng"],
}
GIVEN = {
    "male": [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Hải",
        "Hiếu",
        "Hoàng",
        "Huy",
        "Khang",
        "Khoa",
        "Long",
        "Minh",
        "Nam",
        "Nghĩa",
        "Phúc",
        "Quang",
        "Sơn",
        "Tài",
        "Thắng",
        "Trung",
        "Tuấn",
        "Việt",
        "Vinh",
        "Bảo",
    ],
    "female": [
        "Anh",
        "Bích",
        "Châu",
        "Dung",
        "Giang",
        "Hà",
        "Hạnh",
        "Hoa",
        "Hương",
        "Lan",
        "Linh",
        "Mai",
        "My",
        "Ngân",
        "Nhung",
        "Phương",
        "Quỳnh",
        "Thảo",
        "Trang",
        "Trâm",
        "Uyên",
        "Vy",
        "Yến",
        "Ngọc",
    ],
}
STREETS = [
    "Lê Lợi",
    "Nguyễn Huệ",
    "Hai Bà Trưng",
    "Trần Hưng Đạo",
    "Lý Thường Kiệt",
    "Cách Mạng Tháng Tám",
    "Điện Biên Phủ",
    "Võ Văn Tần",
    "Nguyễn Trãi",
    "Phan Đăng Lưu",
    "Lê Văn Sỹ",
    "Nguyễn Văn Linh",
    "Phạm Văn Đồng",
    "Quang Trung",
    "Lạc Long Quân",
    "Âu Cơ",
    "Bình Dương",
    "Thống Nhất",
]
ETHNICITIES = [("Kinh", 90), ("Hoa", 4), ("Khmer", 3), ("Chăm", 1), ("Tày", 1), ("Nùng", 1)]
RELIGIONS = [("", 78), ("Phật giáo", 12), ("Công giáo", 7), ("Cao Đài", 2), ("Tin Lành", 1)]
COUNTRIES = {"250": "FR", "840": "US", "392": "JP", "410": "KR", "036": "AU", "276": "DE", "124": "CA"}
HCMC = "79"
HCMC_LEGACY_PREFIX = "079"


@dataclass
class Places:
    hcmc: list[AdministrativeUnit]
    elsewhere: list[AdministrativeUnit]
    legacy: list[AdministrativeUnit]


def load_places() -> Places:
    current = list(AdministrativeUnit.objects.filter(level=3, valid_to__isnull=True).select_related("parent"))
    if not current:
        raise RuntimeError("No administrative units: run `motcua places load` first.")
    legacy = list(
        AdministrativeUnit.objects.filter(level=3, valid_to=LEGACY_END).select_related("parent__parent")[
            :3000
        ]
    )
    return Places(
        hcmc=[u for u in current if u.parent and u.parent.code == HCMC],
        elsewhere=[u for u in current if u.parent and u.parent.code != HCMC],
        legacy=legacy,
    )


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


class Generator:
    def __init__(self, *, seed: int, places: Places, today: date) -> None:
        self.rng = random.Random(seed)
        self.places = places
        self.today = today
        self.used_ids: set[str] = set()
        self.household_no = 0

    # --- values --------------------------------------------------------------------------------
    def personal_id(self, born: date, sex: str, prefix: str) -> str:
        century = born.year // 100 * 100
        digit = {1900: 0, 2000: 2, 2100: 4, 2200: 6, 1800: 8}[century] + (1 if sex == "female" else 0)
        while True:
            number = f"{prefix}{digit}{born.year % 100:02d}{self.rng.randrange(10**6):06d}"
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def address(self) -> dict:
        roll = self.rng.random()
        if roll < 0.05:  # known only by a pre-2025 address
            unit = self.rng.choice(self.places.legacy)
            names = [unit.name, unit.parent.name, unit.parent.parent.name]
            return {
                "kind": "legacy_unit",
                "unit_code": unit.code,
                "unit_level": 3,
                "text": self.street(),
                "label": ", ".join(names),
            }
        unit = self.rng.choice(self.places.hcmc if roll < 0.85 else self.places.elsewhere)
        return {
            "kind": "unit",
            "unit_code": unit.code,
            "unit_level": 3,
            "text": self.street(),
            "label": f"{unit.name}, {unit.parent.name}",
        }

    def street(self) -> str:
        return f"{self.rng.randint(1, 499)} {self.rng.choice(STREETS)}"

    def birth_place(self, abroad_code: str | None) -> tuple[dict, str]:
        """(place of birth, first three digits of the personal number)."""
        if abroad_code:
            return {"kind": "foreign", "country": COUNTRIES[abroad_code], "text": ""}, abroad_code
        if self.rng.random() < 0.7:
            unit = self.rng.choice(self.places.hcmc)
            return {
                "kind": "unit",
                "unit_code": unit.code,
                "unit_level": 3,
                "label": f"{unit.name}, {unit.parent.name}",
            }, HCMC_LEGACY_PREFIX
        unit = self.rng.choice(self.places.elsewhere)
        prefix = self.rng.choice(sorted(LEGACY_PROVINCE_CODES))
        return {
            "kind": "unit",
            "unit_code": unit.code,
            "unit_level": 3,
            "label": f"{unit.name}, {unit.parent.name}",
        }, prefix

    def birthday(self, age_min: int, age_max: int) -> date:
        age = self.rng.randint(age_min, age_max)
        return date(self.today.year - age, 1, 1) + timedelta(days=self.rng.randrange(365))

    def person(
        self, *, sex: str, born: date, family: str, address: dict, household: int, relation: str
    ) -> dict:
        abroad = self.rng.choice(list(COUNTRIES)) if self.rng.random() < 0.02 else None
        place, prefix = self.birth_place(abroad)
        adult = (self.today - born).days >= 14 * 365
        issued = born + timedelta(days=365 * 14) if adult else None
        if issued is not None and issued < date(2021, 1, 1):
            issued = date(2021, 1, 1) + timedelta(days=self.rng.randrange(1500))
        return {
            "personal_id": self.personal_id(born, sex, prefix),
            "full_name": f"{family} {self.rng.choice(MIDDLE[sex])} {self.rng.choice(GIVEN[sex])}",
            "date_of_birth": born,
            "sex": sex,
            "place_of_birth": place,
            "birth_registration_place": place,
            "home_town": place if abroad is None else self.address(),
            "ethnicity": _weighted(self.rng, ETHNICITIES),
            "religion": _weighted(self.rng, RELIGIONS),
            "nationality": "VN",
            "id_card_issued_on": issued,
            "id_card_expires_on": _card_expiry(born) if adult else None,
            "permanent_residence": address,
            "current_residence": address,
            "marital_status": Person.Marital.SINGLE,
            "household": household,
            "relation_to_head": relation,
            "phone": f"09{self.rng.randrange(10**8):08d}" if adult else "",
            "email": "",
            "born_abroad": abroad is not None,
            "naturalised": abroad is not None and self.rng.random() < 0.1,
            "father_personal_id": "",
            "mother_personal_id": "",
            "spouse_personal_id": "",
            "date_of_death": None,
        }

    # --- households ----------------------------------------------------------------------------
    def household(self) -> tuple[dict, list[dict]]:
        self.household_no += 1
        address = self.address()
        size = self.rng.choices([1, 2, 3, 4, 5, 6], weights=[15, 25, 25, 20, 10, 5])[0]
        head_sex = self.rng.choice(["male", "female"])
        head_born = self.birthday(25 if size > 2 else 20, 75)
        family = _weighted(self.rng, FAMILY)
        head = self.person(
            sex=head_sex,
            born=head_born,
            family=family,
            address=address,
            household=self.household_no,
            relation="head",
        )
        people = [head]
        if size >= 2 and self.rng.random() < 0.85:
            spouse_sex = "female" if head_sex == "male" else "male"
            spouse_born = head_born + timedelta(days=self.rng.randint(-6 * 365, 6 * 365))
            spouse = self.person(
                sex=spouse_sex,
                born=min(spouse_born, self.today - timedelta(days=19 * 365)),
                family=_weighted(self.rng, FAMILY),
                address=address,
                household=self.household_no,
                relation="spouse",
            )
            head["marital_status"] = spouse["marital_status"] = Person.Marital.MARRIED
            head["spouse_personal_id"], spouse["spouse_personal_id"] = (
                spouse["personal_id"],
                head["personal_id"],
            )
            people.append(spouse)
        father = next((p for p in people if p["sex"] == "male"), None)
        mother = next((p for p in people if p["sex"] == "female"), None)
        youngest_parent = max(p["date_of_birth"] for p in people)
        while len(people) < size:
            earliest = max(youngest_parent + timedelta(days=20 * 365), self.today - timedelta(days=35 * 365))
            if earliest >= self.today:
                break
            born = earliest + timedelta(days=self.rng.randrange(max(1, (self.today - earliest).days)))
            sex = self.rng.choice(["male", "female"])
            child = self.person(
                sex=sex,
                born=born,
                family=family if father is head or father is None else father["full_name"].split()[0],
                address=address,
                household=self.household_no,
                relation="child",
            )
            child["father_personal_id"] = father["personal_id"] if father else ""
            child["mother_personal_id"] = mother["personal_id"] if mother else ""
            people.append(child)
        if (
            head_born.year < self.today.year - 70 and self.rng.random() < 0.15
        ):  # deceased heads: a death to register
            head["date_of_death"] = self.today - timedelta(days=self.rng.randint(1, 900))
            for p in people:
                if p["spouse_personal_id"] == head["personal_id"]:
                    p["marital_status"] = Person.Marital.WIDOWED
        for p in people:
            if p["phone"] and self.rng.random() < 0.4:
                p["email"] = f"{p['personal_id']}@example.invalid"
        return {
            "code": f"HK{self.household_no:09d}",
            "head_personal_id": head["personal_id"],
            "address": address,
        }, people

    def chunks(self, people: int, chunk: int) -> Iterator[tuple[list[dict], list[dict]]]:
        made = 0
        while made < people:
            households, persons = [], []
            while len(persons) < chunk and made + len(persons) < people:
                household, members = self.household()
                members = members[: people - made - len(persons)]
                if members[0]["relation_to_head"] != "head":
                    continue
                households.append(household)
                persons.extend(members)
            made += len(persons)
            yield households, persons


def _card_expiry(born: date) -> date | None:
    """ID cards are renewed at 25, 40 and 60; after 60 they do not expire."""
    for age in (25, 40, 60):
        if born.year + age >= today().year:
            return date(born.year + age, born.month, min(born.day, 28))
    return None


@transaction.atomic
def registry_generate(
    *,
    people: int,
    businesses: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    chunk: int = 10_000,
) -> dict[str, int]:
    """Replace the local registries with a synthetic population of ``people`` and ``businesses``."""
    StoredDocument.objects.all().delete()
    Business.objects.all().delete()
    Person.objects.all().delete()
    Household.objects.all().delete()
    generator = Generator(seed=seed, places=load_places(), today=today())
    counts = {"people": 0, "households": 0, "businesses": 0, "documents": 0}
    adults: list[tuple[str, str]] = []
    for households, persons in generator.chunks(people, chunk):
        created = Household.objects.bulk_create([Household(**h) for h in households], batch_size=2000)
        ids = {h.code: h.pk for h in created}
        if None in ids.values():  # a backend without RETURNING: read the keys back
            ids = dict(Household.objects.filter(code__in=list(ids)).values_list("code", "pk"))
        rows = []
        for p in persons:
            p = dict(p)
            p["household_id"] = ids[f"HK{p.pop('household'):09d}"]
            rows.append(Person(**p))
        Person.objects.bulk_create(rows, batch_size=2000)
        documents = list(_documents(generator.rng, persons))
        StoredDocument.objects.bulk_create(documents, batch_size=2000)
        adults.extend(
            (p["personal_id"], p["full_name"])
            for p in persons
            if p["id_card_issued_on"] and not p["date_of_death"]
        )
        counts["people"] += len(persons)
        counts["households"] += len(households)
        counts["documents"] += len(documents)
        if progress:
            progress(len(persons))
    counts["businesses"] = _businesses(generator, adults, businesses)
    return counts


def _documents(rng: random.Random, persons: list[dict]) -> Iterator[StoredDocument]:
    for p in persons:
        pid = p["personal_id"]
        if p["id_card_issued_on"]:
            yield StoredDocument(
                owner_personal_id=pid,
                kind="id_card",
                number=pid,
                issuer="Cục Cảnh sát quản lý hành chính về trật tự xã hội",
                issued_on=p["id_card_issued_on"],
                data={"full_name": p["full_name"]},
            )
        if not p["born_abroad"] and rng.random() < 0.35:
            yield StoredDocument(
                owner_personal_id=pid,
                kind="birth_certificate",
                number=f"{rng.randint(1, 999)}/{p['date_of_birth'].year}",
                issuer=f"Ủy ban nhân dân {p['place_of_birth'].get('label', '').split(',')[0]}",
                issued_on=p["date_of_birth"] + timedelta(days=rng.randint(1, 60)),
                data={
                    "full_name": p["full_name"],
                    "date_of_birth": p["date_of_birth"].isoformat(),
                    "father_personal_id": p["father_personal_id"],
                    "mother_personal_id": p["mother_personal_id"],
                },
            )
        yield from _property_and_licences(p)
        yield from _marital_status_certificate(p)
        if p["marital_status"] == Person.Marital.MARRIED and rng.random() < 0.5:
            yield StoredDocument(
                owner_personal_id=pid,
                kind="marriage_certificate",
                number=f"{rng.randint(1, 999)}/KH",
                issuer="Ủy ban nhân dân cấp xã",
                issued_on=p["date_of_birth"] + timedelta(days=365 * 25),
                data={"spouse_personal_id": p["spouse_personal_id"]},
            )


def _businesses(generator: Generator, adults: list[tuple[str, str]], count: int) -> int:
    rng, rows, codes = generator.rng, [], set()
    kinds = [("household_business", 60), ("private_enterprise", 15), ("llc", 20), ("jsc", 5)]
    lines = [
        "Bán lẻ thực phẩm",
        "Dịch vụ ăn uống",
        "Sửa chữa xe máy",
        "May mặc",
        "Tạp hóa",
        "Cà phê",
        "Dịch vụ vận tải",
        "Phần mềm",
        "Xây dựng dân dụng",
        "Bán buôn vật liệu",
    ]
    for _ in range(min(count, len(adults))):
        code = f"03{rng.randrange(10**8):08d}"
        if code in codes:
            continue
        codes.add(code)
        kind = _weighted(rng, kinds)
        owner_id, owner_name = rng.choice(adults)
        brand = rng.choice(["Sài Gòn", "Phú Mỹ", "Bến Thành", "Gia Định", "Phát", "Thịnh", "An", "Lộc"])
        name = {
            "household_business": f"Hộ kinh doanh {owner_name}",
            "private_enterprise": f"Doanh nghiệp tư nhân {owner_name.split()[-1]} {brand}",
            "llc": f"Công ty TNHH {brand} {len(rows) + 1}",
        }.get(kind, f"Công ty Cổ phần {brand} {len(rows) + 1}")
        rows.append(
            Business(
                enterprise_code=code,
                name=name,
                kind=kind,
                head_office=generator.address(),
                registered_on=date(2010, 1, 1) + timedelta(days=rng.randrange(5400)),
                business_lines=rng.sample(lines, 2),
                representatives=[owner_id],
            )
        )
    Business.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _marital_status_certificate(p: dict) -> Iterator[StoredDocument]:
    """An unused certificate of marital status for some single adults (asked for once, then the
    plans changed): the next application reuses it instead of a paper. Its own generator, as above."""
    pid = p["personal_id"]
    rng = random.Random(f"{pid}:marital")
    adult_on = p["date_of_birth"] + timedelta(days=365 * 18 + 5)
    if p["date_of_death"] is not None or p["marital_status"] != Person.Marital.SINGLE:
        return
    if adult_on > date(2024, 6, 30) or rng.random() >= 0.2:
        return
    issued = date(2024, 7, 1) + timedelta(days=rng.randrange(365))
    yield StoredDocument(
        owner_personal_id=pid,
        kind="marital_status_certificate",
        number=f"{rng.randint(1, 999)}/{issued.year}/XNTTHN",
        issuer="Ủy ban nhân dân cấp xã",
        issued_on=issued,
        data={
            "full_name": p["full_name"],
            "marital_status": "single",
            "valid_until": (issued + timedelta(days=180)).isoformat(),
        },
    )


def _property_and_licences(p: dict) -> Iterator[StoredDocument]:
    """Land-use certificates and driving licences for some adults: their data fills the forms of land,
    construction and licence procedures. Drawn from a generator of their own (seeded by the person)
    so the rest of the population stays as it was for a given seed."""
    pid, born = p["personal_id"], p["date_of_birth"]
    rng = random.Random(pid)
    adult_on = born + timedelta(days=365 * 18 + 5)
    if p["date_of_death"] is not None or adult_on > date(2025, 6, 30):
        return
    if rng.random() < 0.25 and p["permanent_residence"]:
        yield StoredDocument(
            owner_personal_id=pid,
            kind="land_use_certificate",
            number=f"{rng.choice('ABCDEFGH')}{rng.choice('ABCDEFGH')} {rng.randrange(10**6):06d}",
            issuer="Sở Tài nguyên và Môi trường Thành phố Hồ Chí Minh",
            issued_on=adult_on + timedelta(days=rng.randrange(365 * 7)),
            data={
                "parcel_number": str(rng.randint(1, 980)),
                "map_sheet": str(rng.randint(1, 120)),
                "area": rng.randint(36, 320),
                "address": p["permanent_residence"],
                "use": "residential_urban",
            },
        )
    if rng.random() < 0.3:
        issued = adult_on + timedelta(days=rng.randrange(365 * 5))
        licence_class = rng.choice(["A1", "A1", "A2", "B2", "C"])
        yield StoredDocument(
            owner_personal_id=pid,
            kind="driving_licence",
            number=f"79{rng.randrange(10**10):010d}",
            issuer="Sở Giao thông vận tải Thành phố Hồ Chí Minh",
            issued_on=issued,
            data={
                "class": licence_class,
                "expires_on": None
                if licence_class.startswith("A")
                else (issued + timedelta(days=3650)).isoformat(),
            },
        )
