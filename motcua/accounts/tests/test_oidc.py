"""Citizens' e-ID login: the full OpenID Connect round trip against the bundled provider."""

import base64
import hashlib
from datetime import date
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from motcua.accounts.devidp.models import DevIdentity
from motcua.accounts.devidp.services import dev_identities_ensure
from motcua.accounts.models import User
from motcua.audit.models import AuditRecord

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-cong-dan"


class _Response:
    def __init__(self, django_response):
        self._r = django_response
        self.status_code = django_response.status_code
        self.content = django_response.content
        self.text = django_response.content.decode()
        self.headers = dict(django_response.headers)

    def json(self):
        return self._r.json()

    def raise_for_status(self):
        if self.status_code >= 400:
            from requests.exceptions import HTTPError

            raise HTTPError(f"{self.status_code}", response=self)


class ProviderOverTestClient:
    """Stands in for ``requests`` inside mozilla-django-oidc: the relying party's server-side calls
    to the provider go through Django's test client to the same application."""

    def __init__(self):
        self.client = Client()

    def post(self, url, data=None, auth=None, **kwargs):
        headers = {}
        if auth is not None:
            token = base64.b64encode(f"{auth.username}:{auth.password}".encode()).decode()
            headers["HTTP_AUTHORIZATION"] = f"Basic {token}"
        return _Response(self.client.post(urlparse(url).path, data or {}, **headers))

    def get(self, url, headers=None, **kwargs):
        extra = (
            {"HTTP_AUTHORIZATION": headers["Authorization"]} if headers and "Authorization" in headers else {}
        )
        return _Response(self.client.get(urlparse(url).path, **extra))


@pytest.fixture
def provider(monkeypatch, settings):
    settings.OIDC_OP_ISSUER = "http://testserver/dev-idp"
    monkeypatch.setattr("mozilla_django_oidc.auth.requests", ProviderOverTestClient())
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return dev_identities_ensure(password=PASSWORD)


def login_round_trip(client, personal_id="079090123456", password=PASSWORD, tamper=None):
    start = client.get("/oidc/authenticate/", {"next": "/tai-khoan/"})
    assert start.status_code == 302
    authorize_url = start["Location"]
    query = parse_qs(urlparse(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    page = client.get(authorize_url)
    assert "KHÔNG phải VNeID" in page.content.decode()
    form = {k: v[0] for k, v in query.items()}
    response = client.post("/dev-idp/authorize", {**form, "personal_id": personal_id, "password": password})
    if response.status_code != 302:
        return response
    callback = response["Location"]
    if tamper:
        callback = tamper(callback)
    return client.get(callback)


def test_round_trip_signs_the_citizen_in_and_shows_their_name(client, provider):
    response = login_round_trip(client)
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    user = User.objects.get(personal_id="079090123456")
    assert user.full_name == "Nguyễn Văn An" and user.assurance_level == 2
    assert user.date_of_birth == date(1990, 5, 12) and not user.has_usable_password()
    html = client.get("/tai-khoan/").content.decode()
    assert "Nguyễn Văn An" in html and "079******456" in html
    assert AuditRecord.objects.filter(action="auth.login", actor_label=user.username).exists()


def test_second_login_matches_the_same_account_by_subject(client, provider):
    login_round_trip(client)
    Client().logout()
    login_round_trip(Client())
    assert User.objects.filter(personal_id="079090123456").count() == 1


def test_wrong_password_stays_at_the_provider(client, provider):
    response = login_round_trip(client, password="sai")
    assert response.status_code == 200 and "không đúng" in response.content.decode()
    assert not User.objects.filter(personal_id="079090123456").exists()


def test_a_forged_subject_for_a_known_number_is_refused(client, provider):
    login_round_trip(client)
    # The provider now asserts the same personal number under another subject (forged or re-issued).
    DevIdentity.objects.filter(personal_id="079090123456").update(subject="forged-subject")
    other = Client()
    response = login_round_trip(other)
    assert response.status_code == 302 and response["Location"] != "/tai-khoan/"
    assert "_auth_user_id" not in other.session
    assert AuditRecord.objects.filter(action="auth.oidc_subject_conflict").exists()


def test_too_low_assurance_is_refused(client, provider):
    DevIdentity.objects.filter(personal_id="079188654321").update(assurance_level=1)
    login_round_trip(client, personal_id="079188654321")
    assert "_auth_user_id" not in client.session


def test_a_token_signed_by_another_key_is_refused(client, provider, monkeypatch):
    from motcua.accounts.devidp import keys

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    real_sign = jwt.encode
    monkeypatch.setattr(
        "motcua.accounts.devidp.views.jwt.encode", lambda claims, key, **kw: real_sign(claims, stranger, **kw)
    )
    response = login_round_trip(client)
    assert "_auth_user_id" not in client.session
    assert response.status_code in (302, 400)
    assert keys.jwks()["keys"][0]["kty"] == "RSA"


def test_pkce_is_required_and_verified(client, provider):
    response = client.get(
        "/dev-idp/authorize",
        {
            "client_id": "motcua",
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": "http://testserver/oidc/callback/",
            "state": "s",
        },
    )
    assert response.status_code == 302 and "error=invalid_request" in response["Location"]
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "client_id": "motcua",
        "response_type": "code",
        "scope": "openid",
        "state": "s",
        "nonce": "n",
        "redirect_uri": "http://testserver/oidc/callback/",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    response = client.post(
        "/dev-idp/authorize", {**params, "personal_id": "079090123456", "password": PASSWORD}
    )
    code = parse_qs(urlparse(response["Location"]).query)["code"][0]
    token = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": params["redirect_uri"],
        "client_id": "motcua",
        "client_secret": "test-only-oidc-client-secret",
    }
    assert (
        client.post("/dev-idp/token", {**token, "code_verifier": "w" * 50}).json()["error"] == "invalid_grant"
    )


def test_unknown_redirect_uri_is_refused_without_redirecting(client, provider):
    response = client.get(
        "/dev-idp/authorize", {"client_id": "motcua", "redirect_uri": "https://evil.example/cb"}
    )
    assert response.status_code == 400 and "không được đăng ký" in response.content.decode()


def test_profile_requires_login(client):
    response = client.get("/tai-khoan/")
    assert response.status_code == 302 and response["Location"].startswith("/oidc/authenticate/")


def test_the_development_provider_is_refused_in_production(settings):
    from motcua.accounts.checks import development_provider_only_in_the_demo

    settings.MOTCUA_DEV_IDP, settings.MOTCUA_DEMO, settings.DEBUG = True, False, False
    assert [e.id for e in development_provider_only_in_the_demo(None)] == ["motcua.E001"]


def test_an_expired_id_token_is_refused_and_audited_not_a_server_error(client, provider, monkeypatch):
    from motcua.accounts.devidp import views

    monkeypatch.setattr(views, "TOKEN_LIFETIME", views.TOKEN_LIFETIME * -1)  # already expired when issued
    response = login_round_trip(client)
    assert response.status_code in (302, 400)
    assert "_auth_user_id" not in client.session
    assert AuditRecord.objects.filter(action="auth.oidc_rejected").exists()


def test_failed_eid_logins_never_lock_out_an_address(client, provider, settings):
    DevIdentity.objects.filter(personal_id="079188654321").update(assurance_level=1)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        login_round_trip(Client(), personal_id="079188654321")
    response = login_round_trip(client)  # a good citizen from the same address
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"


@pytest.mark.parametrize(
    "params",
    [
        {"client_id": "motcua", "redirect_uri": "http://[::1"},
        {"client_id": "motcua\x00", "redirect_uri": "http://testserver/oidc/callback/"},
        {
            "client_id": "motcua",
            "redirect_uri": "http://testserver/oidc/callback/",
            "response_type": "code",
            "scope": "openid",
            "code_challenge": "x" * 5000,
            "code_challenge_method": "S256",
        },
    ],
)
def test_odd_authorize_requests_are_refused_cleanly(client, provider, params):
    assert client.get("/dev-idp/authorize", params).status_code in (302, 400)


def test_a_non_ascii_client_secret_is_refused(client, provider):
    response = client.post(
        "/dev-idp/token",
        {"client_id": "motcua", "client_secret": "mật-khẩu", "code": "x", "grant_type": "authorization_code"},
    )
    assert response.status_code == 401


def test_the_development_provider_cannot_start_in_production(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DEV_IDP": "true",
        "DEMO": "false",
        "DEBUG": "false",
        "MOTCUA_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import motcua.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "DEV_IDP=true is only for the demo" in result.stderr


def test_people_of_the_synthetic_population_sign_in_with_the_demo_password(
    client, provider, settings, loaded_places
):
    from motcua.registries.models import Person
    from motcua.registries.synthetic import registry_generate

    registry_generate(people=200, businesses=0, seed=3)
    settings.DEV_IDP_PASSWORD = "mat-khau-dan-so"
    person = Person.objects.filter(date_of_death__isnull=True, id_card_issued_on__isnull=False).first()
    response = login_round_trip(client, personal_id=person.personal_id, password="mat-khau-dan-so")
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    assert User.objects.get(personal_id=person.personal_id).full_name == person.full_name
    other = Person.objects.exclude(pk=person.pk).filter(date_of_death__isnull=True).first()
    response = login_round_trip(Client(), personal_id=other.personal_id, password="wrong")
    assert response.status_code == 200  # stays at the provider
