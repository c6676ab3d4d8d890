"""Citizens' login over OpenID Connect (VNeID, Keycloak, or the bundled development provider).

Users are matched on the provider's subject, never on e-mail. The ID token's issuer and audience
are checked (mozilla-django-oidc checks the signature and nonce), the userinfo subject must equal
the token's, and the identity must have the required assurance level (VNeID level 2).
"""

from __future__ import annotations

import logging
from datetime import date

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from motcua.accounts.identity import validate_personal_id
from motcua.accounts.models import User
from motcua.audit.services import audit_record
from motcua.core.errors import ValidationError
from motcua.core.http import client_ip

logger = logging.getLogger(__name__)


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as exc:
            audit_record(
                actor=None,
                action="auth.oidc_rejected",
                object_type="oidc",
                object_id="callback",
                ip=client_ip(request) if request is not None else None,
                payload={"reason": str(exc)[:200]},
            )
            raise

    def get_payload_data(self, token, key):
        # The library only turns DecodeError into a refusal; an expired or not-yet-valid token
        # (clock differences) must be a refusal too, not a server error. 30 s leeway for clocks.
        try:
            return jwt.decode(
                token, key, algorithms=[self.OIDC_RP_SIGN_ALGO], leeway=30, options={"verify_aud": False}
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc.__class__.__name__}") from exc

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience is not this client")
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token issuer is not the configured provider")
        self._token_subject = payload.get("sub")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo subject differs from the ID token subject")
        return claims

    def verify_claims(self, claims) -> bool:
        if not claims.get("sub") or not claims.get("personal_id"):
            return False
        try:
            level = int(claims.get("assurance_level", 0))
        except (TypeError, ValueError):
            level = 0
        if level < settings.OIDC_MIN_ASSURANCE_LEVEL:
            logger.info("oidc login refused: assurance level below the minimum")
            return False
        try:
            validate_personal_id(
                str(claims["personal_id"]),
                date_of_birth=_birthdate(claims),
                sex=claims.get("gender") if claims.get("gender") in ("male", "female") else None,
            )
        except ValidationError:
            logger.info("oidc login refused: malformed personal identification number")
            return False
        return True

    def filter_users_by_claims(self, claims):
        return User.objects.filter(oidc_subject=claims["sub"])

    def create_user(self, claims):
        personal_id = str(claims["personal_id"])
        if User.objects.filter(personal_id=personal_id).exists():
            # Someone already holds this number under another subject: a forged or re-issued identity
            # is never merged silently into an existing account.
            audit_record(
                actor=None,
                action="auth.oidc_subject_conflict",
                object_type="personal_id",
                object_id=personal_id[:3] + "*******" + personal_id[-2:],
            )
            raise SuspiciousOperation("personal identification number bound to another subject")
        with transaction.atomic():
            return self._create(claims, personal_id)

    def _create(self, claims: dict, personal_id: str) -> User:
        user = User(username=f"vneid-{personal_id}", oidc_subject=claims["sub"], personal_id=personal_id)
        user.set_unusable_password()  # citizens never have a password here
        self._copy_claims(user, claims)
        user.save()
        audit_record(actor=user, action="accounts.citizen_create", object_type="user", object_id=user.pk)
        return user

    def update_user(self, user, claims):
        if user.personal_id and str(claims.get("personal_id")) != user.personal_id:
            raise SuspiciousOperation("the provider changed the personal number of a known subject")
        self._copy_claims(user, claims)
        user.save()
        return user

    @staticmethod
    def _copy_claims(user: User, claims: dict) -> None:
        name = str(claims.get("name", "")).strip()
        family, _, given = name.rpartition(" ")
        user.first_name, user.last_name = (given or family)[:150], family[:150] if given else ""
        user.date_of_birth = _birthdate(claims) or user.date_of_birth
        if claims.get("gender") in ("male", "female"):
            user.sex = claims["gender"]
        user.assurance_level = int(claims.get("assurance_level", user.assurance_level) or 0)
        user.email = user.email or str(claims.get("email", ""))[:254]
        user.phone = user.phone or str(claims.get("phone_number", ""))[:20]


def _birthdate(claims: dict) -> date | None:
    try:
        return date.fromisoformat(str(claims.get("birthdate", "")))
    except ValueError:
        return None
