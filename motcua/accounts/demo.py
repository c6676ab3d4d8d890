"""Demo officials for Ho Chi Minh City: every role at the city centre and four commune centres."""

from __future__ import annotations

import base64
import secrets
from datetime import date

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.models import User
from motcua.accounts.services import membership_grant, roles_ensure_defaults
from motcua.places.models import Agency

COUNTER_ROLES = ("receiver", "processor", "head", "signer", "leader")
# (username prefix, agency electronic id or the commune whose centre it is, full name of the unit)
DEMO_DESKS = (
    ("hcm", "000.00.01.H29"),
    ("saigon", "Phường Sài Gòn"),
    ("benthanh", "Phường Bến Thành"),
    ("cangio", "Xã Cần Giờ"),
    ("thudaumot", "Phường Thủ Dầu Một"),
)
START = date(2025, 7, 1)
# The demo officials' names, as they appear on slips and under signatures (made up).
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Huỳnh", "Phan")
MIDDLE = ("Văn", "Thị", "Minh", "Thanh", "Quốc", "Ngọc", "Hữu")
GIVEN = ("An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hương", "Khoa", "Lan", "Long", "Mai", "Nam", "Phúc")


def demo_official_name(index: int) -> str:
    return f"{FAMILY[index % len(FAMILY)]} {MIDDLE[index % len(MIDDLE)]} {GIVEN[index % len(GIVEN)]}"


def _agency(where: str) -> Agency:
    if where.count(".") == 3:
        return Agency.objects.get(electronic_id=where)
    return Agency.objects.get(
        kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name=where, valid_to__isnull=True
    )


def demo_totp_ensure(*, user: User, secret_b32: str | None) -> str:
    """Give the user a confirmed TOTP device; reuse the secret already printed if there is one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        return base64.b32encode(device.bin_key).decode()
    raw = base64.b32decode(secret_b32) if secret_b32 else secrets.token_bytes(20)
    TOTPDevice.objects.create(user=user, name="demo", key=raw.hex(), confirmed=True)
    return base64.b32encode(raw).decode()


@transaction.atomic
def demo_officials_ensure(*, known: dict[str, dict]) -> list[dict]:
    """Create the demo officials that are missing; return every demo official's sign-in details.

    ``known`` holds what an earlier run printed (username → account), so passwords and TOTP secrets
    stay the same from one ``make demo`` to the next.
    """
    roles_ensure_defaults()
    accounts = []
    city_pc = Agency.objects.get(electronic_id="000.00.00.H29")
    desks = [
        (f"{prefix}.{role}", _agency(where), role) for prefix, where in DEMO_DESKS for role in COUNTER_ROLES
    ]
    # The city's leader leads from the People's Committee: the operations centre shows them the whole
    # city (a commune leader sees their commune).
    desks = [(u, city_pc if u == "hcm.leader" else agency, role) for u, agency, role in desks]
    desks += [("hcm.catalogue", city_pc, "catalogue_admin"), ("hcm.sysadmin", city_pc, "system_admin")]
    for index, (username, agency, role) in enumerate(desks):
        previous = known.get(username, {})
        password = previous.get("password") or secrets.token_urlsafe(9)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=password,
                last_name=demo_official_name(index),
            )
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        membership_grant(actor=None, user=user, agency=agency, role_key=role, valid_from=START)
        secret = demo_totp_ensure(user=user, secret_b32=previous.get("totp_secret"))
        accounts.append(
            {
                "username": username,
                "password": password,
                "totp_secret": secret,
                "role": f"{role} — {agency.name}",
            }
        )
    return accounts
