import re
from datetime import timedelta

import pytest

from motcua.accounts.contacts import contact_verification_confirm, contact_verification_start
from motcua.accounts.models import ContactVerification
from motcua.audit.models import AuditRecord
from motcua.core.errors import ValidationError
from motcua.notifications.models import LocalSms
from motcua.notifications.services import message_deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(django_user_model):
    return django_user_model.objects.create_user(
        username="vneid-079090123456",
        oidc_subject="s1",
        personal_id="079090123456",
        first_name="An",
        last_name="Nguyễn Văn",
    )


def sent_code(phone: str) -> str:
    from motcua.notifications.models import Message

    for message in Message.objects.filter(to=phone, status="queued"):
        message_deliver(message_id=str(message.pk))
    return re.search(r"\b(\d{6})\b", LocalSms.objects.filter(to=phone).first().text).group(1)


def test_phone_changes_only_after_the_code_comes_back(citizen):
    contact_verification_start(user=citizen, channel="phone", value="091 234 5678")
    citizen.refresh_from_db()
    assert citizen.phone == ""
    contact_verification_confirm(user=citizen, channel="phone", code=sent_code("0912345678"))
    citizen.refresh_from_db()
    assert citizen.phone == "0912345678"
    assert AuditRecord.objects.filter(action="contact.changed", object_id=str(citizen.pk)).exists()


def test_wrong_and_expired_codes(citizen):
    contact_verification_start(user=citizen, channel="phone", value="+84912345678")
    code = sent_code("0912345678")
    with pytest.raises(ValidationError) as exc:
        contact_verification_confirm(
            user=citizen, channel="phone", code="000000" if code != "000000" else "111111"
        )
    assert exc.value.code == "wrong_code"
    ContactVerification.objects.update(
        expires_at=ContactVerification.objects.get().expires_at - timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as exc:
        contact_verification_confirm(user=citizen, channel="phone", code=code)
    assert exc.value.code == "code_expired"


def test_five_wrong_tries_burn_the_code(citizen):
    contact_verification_start(user=citizen, channel="email", value="An@Example.org")
    for _ in range(5):
        with pytest.raises(ValidationError):
            contact_verification_confirm(user=citizen, channel="email", code="999999x")
    with pytest.raises(ValidationError) as exc:
        contact_verification_confirm(user=citizen, channel="email", code="123456")
    assert exc.value.code == "too_many_tries"


@pytest.mark.parametrize(
    "channel, value", [("phone", "12345"), ("phone", "0212345678"), ("email", "not-an-email")]
)
def test_bad_contacts_say_what_to_fix(citizen, channel, value):
    with pytest.raises(ValidationError) as exc:
        contact_verification_start(user=citizen, channel=channel, value=value)
    assert exc.value.message_vi and exc.value.message_en


def test_codes_are_rate_limited(citizen):
    for _ in range(3):
        contact_verification_start(user=citizen, channel="phone", value="0912345678")
    with pytest.raises(ValidationError) as exc:
        contact_verification_start(user=citizen, channel="phone", value="0912345678")
    assert exc.value.code == "too_many_codes"


def test_profile_page_flow(client, citizen):
    client.force_login(citizen, backend="motcua.accounts.oidc.CitizenOIDCBackend")
    response = client.post("/tai-khoan/lien-he", {"channel": "phone", "value": "0987654321"})
    assert "Đã gửi mã" in response.content.decode() and 'name="code"' in response.content.decode()
    response = client.post(
        "/tai-khoan/lien-he/xac-nhan", {"channel": "phone", "code": sent_code("0987654321")}
    )
    assert response.status_code == 302
    assert "0987654321" in client.get("/tai-khoan/").content.decode()
    response = client.post("/tai-khoan/lien-he", {"channel": "phone", "value": "abc"})
    assert response.status_code == 400 and "không hợp lệ" in response.content.decode()
