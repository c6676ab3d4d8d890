"""Changing a citizen's phone or e-mail: a one-time code through the notification channel."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction

from motcua.accounts.models import ContactVerification, User
from motcua.audit.services import audit_record
from motcua.core import ratelimit
from motcua.core.errors import ValidationError
from motcua.core.time import now
from motcua.notifications.services import message_send

CODE_MINUTES = 10
MAX_TRIES = 5
_PHONE = re.compile(r"^(?:\+84|0)(3|5|7|8|9)[0-9]{8}$")


def _hash(verification_user_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{verification_user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _clean(channel: str, value: str) -> str:
    value = value.strip()
    if channel == ContactVerification.Channel.PHONE:
        value = re.sub(r"[\s.-]", "", value)
        if not _PHONE.match(value):
            raise ValidationError(
                "Số điện thoại di động không hợp lệ (ví dụ 0912345678).",
                "Not a valid Vietnamese mobile number (e.g. 0912345678).",
                code="invalid_phone",
                field="value",
            )
        return "0" + value[3:] if value.startswith("+84") else value
    try:
        if len(value) > 254:
            raise DjangoValidationError("too long")
        validate_email(value)
    except DjangoValidationError:
        raise ValidationError(
            "Địa chỉ thư điện tử không hợp lệ.",
            "Not a valid e-mail address.",
            code="invalid_email",
            field="value",
        ) from None
    return value.lower()


@transaction.atomic
def contact_verification_start(
    *, user: User, channel: str, value: str, language: str = "vi"
) -> ContactVerification:
    """Send a 6-digit code to the new contact. At most 3 codes per 10 minutes per person."""
    if channel not in ContactVerification.Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    value = _clean(channel, value)
    if not ratelimit.allow(f"contact:{user.pk}", limit=3, window_seconds=600):
        raise ValidationError(
            "Bạn đã yêu cầu quá nhiều mã. Hãy thử lại sau 10 phút.",
            "Too many codes requested. Try again in 10 minutes.",
            code="too_many_codes",
        )
    code = f"{secrets.randbelow(10**6):06d}"
    verification = ContactVerification.objects.create(
        user=user,
        channel=channel,
        value=value,
        code_hash=_hash(user.pk, code),
        expires_at=now() + timedelta(minutes=CODE_MINUTES),
    )
    message_send(
        channel="sms" if channel == ContactVerification.Channel.PHONE else "email",
        to=value,
        template="contact_code",
        context={"code": code, "minutes": CODE_MINUTES},
        user=user,
        language=language,
    )
    audit_record(
        actor=user,
        action="contact.code_sent",
        object_type="user",
        object_id=user.pk,
        payload={"channel": channel},
    )
    return verification


def contact_verification_confirm(*, user: User, channel: str, code: str) -> User:
    """Check the code typed back; on success the contact changes. Five tries per code (a wrong try is
    counted in its own transaction, so raising the error does not undo the count)."""
    with transaction.atomic():
        verification = (
            ContactVerification.objects.select_for_update()
            .filter(user=user, channel=channel, verified_at__isnull=True)
            .first()
        )
        if verification is None or verification.expires_at < now():
            failure = ValidationError(
                "Mã đã hết hạn hoặc chưa được gửi. Hãy yêu cầu mã mới.",
                "The code has expired or was never sent. Ask for a new one.",
                code="code_expired",
                field="code",
            )
        elif verification.attempts >= MAX_TRIES:
            failure = ValidationError(
                "Nhập sai quá nhiều lần. Hãy yêu cầu mã mới.",
                "Too many wrong codes. Ask for a new one.",
                code="too_many_tries",
                field="code",
            )
        else:
            verification.attempts += 1
            right = hmac.compare_digest(verification.code_hash, _hash(user.pk, code.strip()))
            failure = (
                None
                if right
                else ValidationError(
                    "Mã không đúng.", "The code is not correct.", code="wrong_code", field="code"
                )
            )
            if right:
                verification.verified_at = now()
                if channel == ContactVerification.Channel.PHONE:
                    user.phone = verification.value
                else:
                    user.email = verification.value
                user.save(update_fields=["phone", "email"])
                audit_record(
                    actor=user,
                    action="contact.changed",
                    object_type="user",
                    object_id=user.pk,
                    payload={"channel": channel},
                )
            verification.save(update_fields=["attempts", "verified_at"])
    if failure is not None:
        raise failure
    return user
