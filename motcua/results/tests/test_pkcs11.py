"""Signing with a key that never leaves a PKCS#11 token (an HSM or a USB token in production; here
SoftHSM, installed by CI), configured by SIGNING_KEYS exactly as docs/signing.md says."""

import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, pkcs12
from fpdf import FPDF

from motcua.results import signing

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")


def _require_softhsm() -> None:
    missing = [
        what
        for what, ok in (
            ("softhsm2 (apt install softhsm2)", MODULE.exists() and shutil.which("softhsm2-util")),
            ("pkcs11-tool (apt install opensc)", shutil.which("pkcs11-tool")),
        )
        if not ok
    ]
    try:
        import pkcs11  # noqa: F401
    except ImportError:
        missing.append("python-pkcs11 (pip install python-pkcs11)")
    if missing:
        pytest.skip("needs " + ", ".join(missing) + "; .ci/run installs them")


@pytest.fixture
def token(tmp_path, monkeypatch):
    _require_softhsm()
    (tmp_path / "tokens").mkdir()
    config = tmp_path / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(config))
    run = lambda *args: subprocess.run(args, check=True, capture_output=True)  # noqa: E731
    run("softhsm2-util", "--init-token", "--free", "--label", "UBND-THU", "--so-pin", "1234", "--pin", "5678")
    ca = signing.ca_new("CA thử nghiệm")
    bundle = signing.certificate_issue(electronic_id="T.01", name="UBND Phường Thử", ca=ca, passphrase="p")
    key, cert, _ = pkcs12.load_key_and_certificates(bundle, b"p")
    (tmp_path / "key.der").write_bytes(key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()))
    (tmp_path / "cert.der").write_bytes(cert.public_bytes(Encoding.DER))
    for kind, path in (("privkey", "key.der"), ("cert", "cert.der")):
        run(
            "pkcs11-tool",
            "--module",
            str(MODULE),
            "--token-label",
            "UBND-THU",
            "--login",
            "--pin",
            "5678",
            "--write-object",
            str(tmp_path / path),
            "--type",
            kind,
            "--label",
            "ky-ket-qua",
            "--id",
            "01",
        )
    (tmp_path / "ca.pem").write_bytes(ca[0].public_bytes(Encoding.PEM))
    return tmp_path


def test_a_result_is_signed_with_the_key_on_the_token(token, settings, monkeypatch):
    keys = {
        "T.01": {
            "pkcs11": {
                "module": str(MODULE),
                "token_label": "UBND-THU",
                "key_label": "ky-ket-qua",
                "pin_env": "TEST_TOKEN_PIN",
                "raw_mechanism": True,
            }
        }
    }
    (token / "keys.json").write_text(json.dumps(keys))
    settings.SIGNING_KEYS = str(token / "keys.json")
    settings.SIGNING_TRUST_ROOTS = [str(token / "ca.pem")]
    monkeypatch.setenv("TEST_TOKEN_PIN", "5678")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "ket qua")
    agency = SimpleNamespace(electronic_id="T.01", name="UBND Phường Thử", name_en="")
    signer = signing.signer_for(agency)
    signed = signing.pdf_sign(bytes(pdf.output()), signer=signer, signer_name="A", reason="r", location="l")
    check = signing.pdf_verify(signed)
    assert check.valid and "UBND Phường Thử" in check.subject
    assert check.fingerprint == signing.certificate_fingerprint(signer.signing_cert)


def test_a_wrong_pin_is_a_message_for_the_administrator_not_a_crash(token, settings, monkeypatch):
    from motcua.core.errors import Conflict

    keys = {
        "T.01": {
            "pkcs11": {
                "module": str(MODULE),
                "token_label": "UBND-THU",
                "key_label": "ky-ket-qua",
                "pin_env": "TEST_TOKEN_PIN",
            }
        }
    }
    (token / "keys.json").write_text(json.dumps(keys))
    settings.SIGNING_KEYS = str(token / "keys.json")
    monkeypatch.setenv("TEST_TOKEN_PIN", "0000")
    with pytest.raises(Conflict) as refused:
        signing.signer_for(SimpleNamespace(electronic_id="T.01", name="UBND Phường Thử", name_en=""))
    assert refused.value.code == "no_signing_key" and "quản trị" in refused.value.message_vi
