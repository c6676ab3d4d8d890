"""Digital signatures of results: PAdES with the competent agency's key, and their verification.

Where each agency's key lives is configuration (docs/signing.md):

- ``SIGNING_KEYS`` names a JSON file mapping an agency's electronic id to a PKCS#12 file
  (``{"pkcs12": "/path/agency.p12", "passphrase_env": "VAR"}``) or a PKCS#11 token
  (``{"pkcs11": {"module": "/usr/lib/…so", "token_label": "…", "key_label": "…", "pin_env": "VAR"}}``);
- without it, ``SIGNING_DIR`` (``var/signing``) holds ``<electronic id>.p12`` files and their
  passphrases, and with ``SIGNING_DEMO_CA`` on (``make demo``, the tests) a local demonstration
  certification authority issues the missing ones on first use. Nothing of it is ever committed.

Verification trusts only the roots in ``SIGNING_TRUST_ROOTS`` (PEM files; by default the demo CA's)
and fetches nothing from the network.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings

from motcua.core.errors import Conflict

_lock = threading.Lock()
log = logging.getLogger(__name__)


# --- the demonstration certification authority ------------------------------------------------


def _signing_dir() -> Path:
    path = Path(settings.SIGNING_DIR)
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def _write_private(path: Path, content: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def _fit64(text: str) -> str:
    """At most 64 bytes of UTF-8 (X.520's upper bound for these names), cut on a character."""
    encoded = text.encode()[:64]
    return encoded.decode(errors="ignore").strip() or "-"


def _name(common_name: str, *, organisation: str, serial: str = "") -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit64(organisation)),
        x509.NameAttribute(NameOID.COMMON_NAME, _fit64(common_name)),
    ]
    if serial:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, _fit64(serial)))
    return x509.Name(attributes)


def ca_new(common_name: str) -> tuple[Any, Any]:
    """A new certification authority (certificate, private key), kept nowhere."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, organisation="motcua (demo)")
    start = datetime.now(UTC) - timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _key_usage(*, cert_sign: bool) -> Any:
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def demo_ca_ensure() -> tuple[Any, Any]:
    """The demo CA's (certificate, private key), made on first use under ``SIGNING_DIR``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    folder = _signing_dir()
    cert_path, key_path = folder / "demo-ca.pem", folder / "demo-ca-key.pem"
    with _lock:
        if cert_path.exists() and key_path.exists():
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            return cert, key
        cert, key = ca_new("motcua demo CA - KHÔNG DÙNG THẬT")
        _write_private(
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return cert, key


def certificate_issue(*, electronic_id: str, name: str, ca: tuple[Any, Any], passphrase: str) -> bytes:
    """A signing certificate and key for one agency from ``ca``, as a PKCS#12 bundle."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12

    ca_cert, ca_key = ca
    key = ec.generate_private_key(ec.SECP256R1())
    start = datetime.now(UTC) - timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name, organisation=name, serial=electronic_id))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=electronic_id.encode(),
        key=key,
        cert=cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )


def demo_certificate_issue(*, electronic_id: str, name: str) -> Path:
    """A signing certificate for one agency from the demo CA, kept as ``<electronic id>.p12`` with a
    generated passphrase beside it. Returns the file's path."""
    ca = demo_ca_ensure()
    passphrase = secrets.token_urlsafe(18)
    bundle = certificate_issue(electronic_id=electronic_id, name=name, ca=ca, passphrase=passphrase)
    path = _signing_dir() / f"{safe_name(electronic_id)}.p12"
    with _lock:
        _write_private(path, bundle)
        passphrases = _passphrases()
        passphrases[electronic_id] = passphrase
        _write_private(path.parent / "passphrases.json", json.dumps(passphrases, indent=2).encode())
    return path


def safe_name(electronic_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-._" else "_" for ch in electronic_id)[:60]


def _passphrases() -> dict[str, str]:
    path = Path(settings.SIGNING_DIR) / "passphrases.json"
    return json.loads(path.read_text()) if path.exists() else {}


# --- loading an agency's signer ----------------------------------------------------------------


def _no_key(agency: Any) -> Conflict:
    return Conflict(
        f"{agency.name} chưa có chứng thư số để ký kết quả; hãy báo quản trị hệ thống (docs/signing.md).",
        f"{agency.name_en or agency.name} has no signing certificate yet; tell the system administrator "
        "(docs/signing.md).",
        code="no_signing_key",
    )


def _configured() -> dict[str, Any]:
    path = settings.SIGNING_KEYS
    if not path:
        return {}
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise Conflict(
            "Cấu hình khóa ký số (SIGNING_KEYS) không đọc được; hãy báo quản trị hệ thống.",
            "The signing keys configuration (SIGNING_KEYS) cannot be read; tell the system administrator.",
            code="signing_config",
        ) from error


# Loaded signers, per agency and where the key comes from: a PKCS#12 file costs its key derivation
# (~0.4 s) on every load, and a PKCS#11 token has few sessions to give.
_signers: dict[tuple[str, str], Any] = {}


def signer_for(agency: Any) -> Any:
    """The pyHanko signer holding ``agency``'s key, or a Conflict a person can act on (no key, a key
    that will not open, a certificate not valid today)."""
    entry: dict[str, Any] = _configured().get(agency.electronic_id) or {}
    token: dict[str, Any] = entry.get("pkcs11") or {}
    path = None if token else _pkcs12_path(agency, entry)
    source = (
        f"pkcs12:{path}:{path.stat().st_mtime_ns}" if path else "pkcs11:" + json.dumps(token, sort_keys=True)
    )
    with _lock:
        signer = _signers.get((agency.electronic_id, source))
    if signer is None:
        signer = _pkcs12_signer(agency, entry, path) if path else _pkcs11_signer(agency, token)
        with _lock:
            _signers[(agency.electronic_id, source)] = signer
    _check_validity(agency, signer.signing_cert)
    return signer


def _pkcs12_path(agency: Any, entry: dict[str, Any] | None) -> Path:
    if entry and "pkcs12" in entry:
        path = Path(entry["pkcs12"])
        if not path.exists():
            raise _no_key(agency)
        return path
    path = Path(settings.SIGNING_DIR) / f"{safe_name(agency.electronic_id)}.p12"
    if not path.exists():
        if not settings.SIGNING_DEMO_CA:
            raise _no_key(agency)
        path = demo_certificate_issue(electronic_id=agency.electronic_id, name=agency.name)
    return path


def _pkcs12_signer(agency: Any, entry: dict[str, Any] | None, path: Path) -> Any:
    from pyhanko.sign import signers

    if entry and "pkcs12" in entry:
        passphrase = os.environ.get(entry.get("passphrase_env", ""), "")
    else:
        passphrase = _passphrases().get(agency.electronic_id, "")
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            path.read_bytes(), other_certs=[], passphrase=passphrase.encode() or None
        )
    except (OSError, ValueError) as error:
        raise _no_key(agency) from error


def _check_validity(agency: Any, cert: Any) -> None:
    """A certificate outside its validity period signs nothing: what it signed would not verify."""
    at = datetime.now(UTC)
    if cert.not_valid_before <= at <= cert.not_valid_after:
        return
    until = cert.not_valid_after.strftime("%d/%m/%Y")
    raise Conflict(
        f"Chứng thư số của {agency.name} không còn hiệu lực (hết hạn {until}); hãy báo quản trị hệ thống "
        "gia hạn trước khi ký.",
        f"{agency.name_en or agency.name}'s signing certificate is not valid (it expired on {until}); "
        "ask the system administrator to renew it before signing.",
        code="certificate_expired",
    )


def _pkcs11_signer(agency: Any, entry: dict[str, Any]) -> Any:
    try:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11
    except ImportError as error:  # python-pkcs11 is an optional extra of pyHanko
        raise Conflict(
            "Ký bằng thiết bị PKCS#11 cần gói python-pkcs11 (pip install 'pyhanko[pkcs11]').",
            "Signing with a PKCS#11 token needs python-pkcs11 (pip install 'pyhanko[pkcs11]').",
            code="pkcs11_missing",
        ) from error
    try:
        session = pkcs11.open_pkcs11_session(
            entry["module"],
            token_criteria=TokenCriteria(label=entry.get("token_label")),
            user_pin=os.environ.get(entry.get("pin_env", ""), ""),
        )
        return pkcs11.PKCS11Signer(
            session,
            key_label=entry.get("key_label"),
            cert_label=entry.get("cert_label") or entry.get("key_label"),
            # Tokens that only know plain CKM_ECDSA (SoftHSM, many smart cards) need the digest
            # computed here and the raw mechanism asked for.
            use_raw_mechanism=bool(entry.get("raw_mechanism", False)),
        )
    except Exception as error:  # the token's errors are many; each means "cannot sign now"
        raise _no_key(agency) from error


def certificate_fingerprint(cert: Any) -> str:
    """SHA-256 of the certificate's DER encoding (an asn1crypto certificate), in hex."""
    return hashlib.sha256(cert.dump()).hexdigest()


def certificate_names(name: Any) -> str:
    """A certificate's subject or issuer as people read it: its common name, then its organisation."""
    native = name.native
    parts = [native.get("common_name"), native.get("organization_name")]
    return " — ".join(dict.fromkeys(str(p) for p in parts if p)) or str(name.human_friendly)[:300]


def certificate_subject(cert: Any) -> str:
    return str(cert.subject.human_friendly)[:300]


# --- signing -------------------------------------------------------------------------------------


def pdf_sign(content: bytes, *, signer: Any, signer_name: str, reason: str, location: str) -> bytes:
    """``content`` with a PAdES (B-B) signature over the whole file, added as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    meta = signers.PdfSignatureMetadata(
        field_name="ChuKySo",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name[:150],
        reason=reason[:200],
        location=location[:200],
    )
    try:
        out = signers.sign_pdf(writer, meta, signer=signer)
    except Exception as error:  # a token unplugged, a PIN expired, a key it cannot use
        log.exception("signing failed")
        raise Conflict(
            "Không ký được: khóa ký số báo lỗi. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.",
            "Could not sign: the signing key reported an error. Try again; if it persists, tell the "
            "system administrator.",
            code="signing_failed",
        ) from error
    return out.getvalue()


# --- verifying -----------------------------------------------------------------------------------


@dataclass
class SignatureCheck:
    """What a PDF's signature says: whether there is one, whether the signed bytes are unchanged and
    cover the whole file, whether the certificate chains to a trusted root, and whose it is."""

    signed: bool = False
    intact: bool = False
    whole_file: bool = False
    trusted: bool = False
    fingerprint: str = ""
    subject: str = ""
    signed_at: datetime | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.whole_file and self.trusted


def trust_roots() -> list[Any]:
    from pyhanko.keys import load_cert_from_pemder

    paths = list(settings.SIGNING_TRUST_ROOTS)
    if not paths and settings.SIGNING_DEMO_CA:  # the demo CA is trusted only while it is in use
        demo_ca_ensure()
        paths = [Path(settings.SIGNING_DIR) / "demo-ca.pem"]
    return [load_cert_from_pemder(str(p)) for p in paths]


def pdf_verify(content: bytes, *, at: datetime | None = None) -> SignatureCheck:
    """Check the (last) signature of a PDF, its certificate as valid at ``at`` (by default now): a
    result stays genuine after its signer's certificate expires. Never raises on a broken file;
    call it on files motcua issued, not on strangers' uploads (crafted incremental updates make
    the change analysis quadratic)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    check = SignatureCheck()
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # not a PDF, or one broken in any of many ways
        check.problems.append(("Tệp không phải PDF đọc được.", "The file is not a readable PDF."))
        return check
    if not signatures:
        check.problems.append(("Tệp không có chữ ký số.", "The file carries no digital signature."))
        return check
    check.signed = True
    signature = signatures[-1]
    try:
        context = ValidationContext(
            trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail", moment=at
        )
        status = validate_pdf_signature(signature, context)
    except Exception:
        check.problems.append(("Chữ ký số không kiểm tra được.", "The signature cannot be checked."))
        return check
    check.intact = bool(status.intact and status.valid)
    check.whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    check.trusted = bool(status.trusted)
    cert = status.signing_cert
    if cert is not None:
        check.fingerprint, check.subject = certificate_fingerprint(cert), certificate_subject(cert)
    check.signed_at = getattr(status, "signer_reported_dt", None)
    if not check.intact:
        check.problems.append(
            ("Nội dung đã bị sửa sau khi ký.", "The content was changed after it was signed.")
        )
    elif not check.whole_file:
        check.problems.append(
            ("Tệp có nội dung thêm vào sau chữ ký.", "Something was added to the file after the signature.")
        )
    if check.intact and not check.trusted:
        check.problems.append(
            (
                "Chứng thư số không do tổ chức tin cậy cấp.",
                "The certificate was not issued by a trusted authority.",
            )
        )
    return check
