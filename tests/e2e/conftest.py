"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser is the system's (CHROMIUM_PATH, default /usr/bin/chromium).
Screenshots go to var/screenshots/ for a person to look at.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def screenshots() -> Path:
    path = Path(settings.VAR_DIR) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def places_for_browser(transactional_db):
    """Live-server tests run in real transactions, so load the unit lists inside this test."""
    from motcua.places.services import places_load

    places_load()


@pytest.fixture
def catalogue_for_browser(transactional_db):
    from motcua.catalogue.services import catalogue_load

    report = catalogue_load()
    assert report.ok


@pytest.fixture
def loaded_places_e2e(transactional_db):
    from motcua.places.services import places_load

    places_load()


@pytest.fixture
def provider_at_live_server(live_server, settings, transactional_db):
    from motcua.accounts.devidp.services import dev_identities_ensure

    base = f"{live_server.url}/dev-idp"
    settings.OIDC_OP_ISSUER = base
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "/dev-idp/authorize"
    dev_identities_ensure(password="mat-khau-cong-dan")


def sign_in_at_dev_idp(page, personal_id: str, password: str = "mat-khau-dan-so") -> None:
    """On the development identity provider's page: the citizen's number and password."""
    page.get_by_label("Số định danh cá nhân / Personal identification number").fill(personal_id)
    page.get_by_label("Mật khẩu / Password").fill(password)
    page.get_by_role("button", name="Đăng nhập / Sign in").click()


OFFICIAL_PASSWORD = "mat-khau-can-bo-123"  # the password the journeys give their officials


def sign_in_official(page, url: str, user, password: str = OFFICIAL_PASSWORD) -> None:
    """Into the back office as ``user``: password, then the current code of their TOTP device."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import expect

    device = TOTPDevice.objects.get(user=user)
    page.context.clear_cookies()
    page.goto(f"{url}/van-phong/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill(
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    )
    page.get_by_role("button", name="Xác thực").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bàn làm việc")
