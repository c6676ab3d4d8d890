import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_worker_runs_queued_tasks():
    from motcua.core.tasks import ping

    result = ping.enqueue()
    call_command("worker", "--batch", verbosity=0)
    result.refresh()
    assert result.return_value == "pong"


def test_worker_check_says_when_no_worker_is_running():
    with pytest.raises(CommandError, match="No worker completed a ping"):
        call_command("worker", "--check", "0.3")
    assert DBTaskResult.objects.ready().count() == 1


def test_demo_setup_creates_a_working_admin_account(settings, tmp_path, loaded_places):
    settings.VAR_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("demo", "--setup-only", verbosity=0)
    accounts = json.loads((tmp_path / "demo-accounts.json").read_text())
    admin = next(a for a in accounts if a["username"] == "admin")
    assert len(admin["password"]) >= 12
    assert authenticate(
        RequestFactory().post("/van-phong/dang-nhap"), username="admin", password=admin["password"]
    ).is_superuser
    assert len(admin["totp_secret"]) == 32  # base32 of a 20-byte key, for an authenticator app
    officials = {a["username"] for a in accounts}
    assert {"benthanh.receiver", "cangio.signer", "hcm.leader", "hcm.sysadmin"} <= officials
    assert (tmp_path / "static" / "motcua" / "site.css").exists()
    # A second run reuses the same password.
    call_command("demo", "--setup-only", verbosity=0)
    assert json.loads((tmp_path / "demo-accounts.json").read_text()) == accounts
