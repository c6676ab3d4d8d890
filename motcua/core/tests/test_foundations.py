"""Errors, configuration helpers, logs and translations."""

import json
import logging
import os
import stat

import polib
import pytest
from django.conf import settings
from django.utils import translation

from motcua.core.config import ensure_secret_key
from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from motcua.core.i18n import compile_po, po_files
from motcua.core.logging import JsonFormatter


def test_errors_speak_the_active_language_and_map_to_problem_details():
    error = NotFound("Không tìm thấy hồ sơ.", "The dossier was not found.", code="dossier_not_found")
    with translation.override("vi"):
        assert str(error) == "Không tìm thấy hồ sơ."
    with translation.override("en"):
        assert str(error) == "The dossier was not found."
    body = error.as_dict()
    assert body["status"] == 404 and body["code"] == "dossier_not_found"
    assert body["type"] == "urn:motcua:error:dossier_not_found"
    assert body["detail_vi"] == "Không tìm thấy hồ sơ." and body["detail_en"] == "The dossier was not found."
    assert [
        e.status for e in (ValidationError("a", "b"), PermissionDenied("a", "b"), Conflict("a", "b"))
    ] == [
        400,
        403,
        409,
    ]


def test_secret_key_is_generated_once_and_private(tmp_path):
    path = tmp_path / "var" / "secret_key"
    key = ensure_secret_key(path)
    assert len(key) >= 50
    assert ensure_secret_key(path) == key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_log_lines_are_json_with_extra_fields():
    record = logging.LogRecord("motcua.request", logging.INFO, __file__, 1, "request", None, None)
    record.path, record.status = "/healthz", 200
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "request" and entry["path"] == "/healthz" and entry["status"] == 200
    assert entry["level"] == "info" and entry["time"].endswith("+00:00")


def test_every_ui_string_has_a_vietnamese_translation():
    for root in settings.LOCALE_PATHS:
        for po_path in po_files(root):
            po = polib.pofile(str(po_path))
            assert po.untranslated_entries() == [], f"untranslated in {po_path}"
            assert po.fuzzy_entries() == [], f"fuzzy in {po_path}"


def test_compiled_translations_match_their_sources():
    files = [p for root in settings.LOCALE_PATHS for p in po_files(root)]
    assert files
    for po_path in files:
        assert po_path.with_suffix(".mo").read_bytes() == compile_po(po_path), (
            f"{po_path.with_suffix('.mo')} is stale: run `motcua translations compile`"
        )


@pytest.mark.parametrize("setting, expected", [("TIME_ZONE", "Asia/Ho_Chi_Minh"), ("LANGUAGE_CODE", "vi")])
def test_locale_defaults(setting, expected):
    assert getattr(settings, setting) == expected


def test_error_logs_carry_the_path_but_never_the_query_string(rf):
    request = rf.get("/places/calendar", {"start": "2026-01-01T08:00", "secret": "079123456789"})
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", None, None)
    record.request = request
    line = JsonFormatter().format(record)
    assert "079123456789" not in line and json.loads(line)["request"] == "GET /places/calendar"


@pytest.mark.parametrize(
    "trusted, forwarded, remote, expected",
    [
        (0, "6.6.6.6", "10.0.0.1", "10.0.0.1"),
        (1, "6.6.6.6, 203.0.113.9", "10.0.0.1", "203.0.113.9"),
        (1, "", "10.0.0.1", "10.0.0.1"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "10.0.0.1", "203.0.113.9"),
        (0, "", "not-an-ip", None),
    ],
)
def test_client_ip_trusts_only_the_proxies_it_is_told_about(
    rf, settings, trusted, forwarded, remote, expected
):
    from motcua.core.http import client_ip

    settings.TRUSTED_PROXIES = trusted
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected
