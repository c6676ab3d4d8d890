"""Officials sign in with a password and a TOTP code; every back-office URL requires both."""

import time
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.middleware import OPEN_PATHS, is_back_office
from motcua.accounts.services import membership_grant, roles_ensure_defaults
from motcua.audit.models import AuditRecord
from motcua.places.models import Agency

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-that-dai-123"


def current_code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


@pytest.fixture
def official(django_user_model, loaded_places, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    roles_ensure_defaults()
    user = django_user_model.objects.create_user(username="tiepnhan", password=PASSWORD)
    agency = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    membership_grant(actor=None, user=user, agency=agency, role_key="receiver", valid_from=date(2025, 7, 1))
    return user


@pytest.fixture
def device(official):
    return TOTPDevice.objects.create(user=official, name="app", confirmed=True)


def sign_in(client, username="tiepnhan", password=PASSWORD, next_url=""):
    return client.post("/van-phong/dang-nhap", {"username": username, "password": password, "next": next_url})


def test_password_then_code_lands_on_the_desk(client, official, device):
    response = sign_in(client)
    assert response["Location"] == "/van-phong/xac-thuc"
    assert client.get("/van-phong/").status_code == 302  # not signed in yet
    response = client.post("/van-phong/xac-thuc", {"code": current_code(device)})
    assert response["Location"] == "/van-phong/"
    html = client.get("/van-phong/").content.decode()
    assert "Trung tâm Phục vụ hành chính công Phường Bến Thành" in html and "Cán bộ tiếp nhận" in html
    assert AuditRecord.objects.filter(action="auth.login", actor_label="tiepnhan").exists()


def test_wrong_code_is_refused_and_audited(client, official, device):
    sign_in(client)
    response = client.post(
        "/van-phong/xac-thuc", {"code": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert response.status_code == 200 and "không đúng" in response.content.decode()
    assert AuditRecord.objects.filter(action="auth.otp_failed").exists()
    assert client.get("/van-phong/").status_code == 302


def test_code_entry_is_rate_limited(client, official, device, settings):
    sign_in(client)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    for _ in range(settings.MOTCUA_OTP_ATTEMPTS):
        client.post("/van-phong/xac-thuc", {"code": wrong})
    response = client.post("/van-phong/xac-thuc", {"code": current_code(device)})  # even the right code
    assert "Nhập sai quá nhiều lần" in response.content.decode()
    assert client.get("/van-phong/").status_code == 302


def test_first_sign_in_sets_up_the_authenticator(client, official):
    response = sign_in(client)
    assert response["Location"] == "/van-phong/cai-dat-xac-thuc"
    html = client.get("/van-phong/cai-dat-xac-thuc").content.decode()
    assert "<svg" in html and "Quét mã" in html
    device = TOTPDevice.objects.get(user=official)
    assert not device.confirmed
    response = client.post("/van-phong/cai-dat-xac-thuc", {"code": current_code(device)})
    assert response["Location"] == "/van-phong/"
    device.refresh_from_db()
    assert device.confirmed


def test_lockout_after_repeated_failures(client, official, device, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, password="wrong-password")
    response = sign_in(client)  # now even the right password
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()
    assert AuditRecord.objects.filter(action="auth.locked_out", object_id="tiepnhan").exists()
    assert AuditRecord.objects.filter(action="auth.login_failed", object_id="tiepnhan").count() >= 5


def test_a_citizen_account_cannot_use_the_back_office(client, django_user_model, official):
    django_user_model.objects.create_user(username="congdan", password=PASSWORD)
    response = sign_in(client, username="congdan")
    assert response.status_code == 200 and "không phải tài khoản cán bộ" in response.content.decode()


def test_open_redirects_are_refused(client, official, device):
    sign_in(client, next_url="https://evil.example/")
    response = client.post("/van-phong/xac-thuc", {"code": current_code(device)})
    assert response["Location"] == "/van-phong/"


def test_inactivity_signs_the_official_out(client, official, device, settings):
    sign_in(client)
    client.post("/van-phong/xac-thuc", {"code": current_code(device)})
    session = client.session
    session["backoffice_last_seen"] = time.time() - settings.MOTCUA_BACKOFFICE_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get("/van-phong/")
    assert response.status_code == 302 and "idle=1" in response["Location"]
    assert client.get("/van-phong/").status_code == 302


def _back_office_paths():
    """Every URL pattern under the back-office prefixes, with 1 for each path argument."""
    out = []

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                path = "/" + route.replace("^", "").replace("$", "").replace("\\Z", "")
                for token in (
                    "<path:object_id>",
                    "<int:pk>",
                    "<str:code>",
                    "<path:url>",
                    "<str:app_label>",
                    "<id>",
                    "<app_label>",
                ):
                    path = path.replace(token, "1" if "app_label" not in token else "places")
                if "(?P" in path or "<" in path:
                    continue
                if is_back_office(path):
                    out.append(path)

    walk(get_resolver().url_patterns, "")
    return sorted(set(out))


def test_every_back_office_url_requires_the_second_factor(client, official, device):
    paths = _back_office_paths()
    assert "/van-phong/" in paths and "/admin/" in paths and len(paths) > 30
    official.is_staff = official.is_superuser = True
    official.save()
    client.force_login(official)  # password only: no TOTP in this session
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/van-phong/dang-nhap"), path
    assert all(not is_back_office(p) for p in OPEN_PATHS)


def test_the_admin_login_page_sends_officials_to_the_two_step_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/van-phong/dang-nhap")


def test_demo_code_command_only_in_the_demo(settings, official, device, capsys):
    from django.core.management import CommandError, call_command

    settings.MOTCUA_DEMO = False
    with pytest.raises(CommandError):
        call_command("accounts", "code", "tiepnhan")
    settings.MOTCUA_DEMO = True
    call_command("accounts", "code", "tiepnhan")
    assert capsys.readouterr().out.strip() == current_code(device)


def test_the_guard_holds_under_a_script_prefix(client, official):
    client.force_login(official)  # password only
    response = client.get("/van-phong/", SCRIPT_NAME="/motcua")
    assert response.status_code == 302


def test_admin_password_resets_and_flag_changes_are_audited(admin_client, official):
    url = f"/admin/accounts/user/{official.pk}/password/"
    response = admin_client.post(
        url,
        {"password1": "mot-mat-khau-moi-dai", "password2": "mot-mat-khau-moi-dai", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="user.password_reset", object_id=str(official.pk)).exists()
    TOTPDevice.objects.create(user=official, name="old", confirmed=True).delete()
    assert AuditRecord.objects.filter(action="auth.otp_device_removed", object_id=str(official.pk)).exists()
