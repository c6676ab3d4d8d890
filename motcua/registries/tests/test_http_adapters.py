"""The HTTP registries against a local test server: success, not found, slow, broken, garbage."""

import json
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from motcua.registries.adapters.base import RegistryUnavailable
from motcua.registries.adapters.http import (
    CircuitBreaker,
    HttpBusinessRegistry,
    HttpDocumentStore,
    HttpPopulationRegistry,
)

PERSON = {
    "personal_id": "079090123456",
    "full_name": "Nguyễn Văn An",
    "mother": {"full_name": "Trần Thị Bích"},
}


class Registry(BaseHTTPRequestHandler):
    calls = 0

    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        type(self).calls += 1
        path = self.path.split("?")[0]
        if path == "/ok/people/079090123456":
            assert self.headers["Authorization"] == "Bearer secret-token"
            return self._send(200, PERSON)
        if path.startswith("/ok/people/"):
            return self._send(404, {"error": "not found"})
        if path.startswith("/slow/"):
            time.sleep(1.0)
            return self._send(200, PERSON)
        if path.startswith("/broken/"):
            return self._send(500, {"error": "boom"})
        if path.startswith("/garbage/"):
            return self._send(200, b"<html>maintenance</html>", "text/html")
        if path.startswith("/flaky/"):
            return self._send(503, {}) if type(self).calls % 2 else self._send(200, PERSON)
        if path == "/ok/businesses/0312345678":
            return self._send(
                200, {"enterprise_code": "0312345678", "legal_representatives": ["079090123456"]}
            )
        if path == "/ok/businesses" and "representative=079090123456" in self.path:
            return self._send(200, [{"enterprise_code": "0312345678", "name": "Công ty TNHH An"}])
        if path == "/garbage-list/businesses":
            return self._send(200, {"not": "a list"})
        if path == "/ok/documents":
            return self._send(200, [{"kind": "birth_certificate", "number": "12/2020"}])
        return self._send(404, {})

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        return self._send(201, {**body, "id": 7})


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the slow handler writes after the client gave up: expected here


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), Registry)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def registry(server, prefix, **kwargs):
    options = {
        "token": "secret-token",
        "timeout": 0.3,
        "retries": 1,
        "backoff": 0.01,
        "breaker": CircuitBreaker(threshold=3, cooldown=60),
        **kwargs,
    }
    return HttpPopulationRegistry(base_url=f"{server}/{prefix}", **options)


def test_success_and_not_found(server):
    reg = registry(server, "ok")
    assert reg.lookup("079090123456")["mother"]["full_name"] == "Trần Thị Bích"
    assert reg.lookup("001075135790") is None


@pytest.mark.parametrize("prefix", ["slow", "broken", "garbage"])
def test_failures_become_registry_unavailable_quickly(server, prefix):
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable):
        registry(server, prefix).lookup("079090123456")
    assert time.monotonic() - started < 2.0


def test_a_transient_failure_is_retried(server):
    Registry.calls = 0
    assert registry(server, "flaky", retries=2).lookup("079090123456")["full_name"] == "Nguyễn Văn An"


def test_the_circuit_opens_after_repeated_failures_and_answers_at_once(server):
    breaker = CircuitBreaker(threshold=2, cooldown=60)
    reg = registry(server, "broken", breaker=breaker)
    for _ in range(2):
        with pytest.raises(RegistryUnavailable):
            reg.lookup("079090123456")
    Registry.calls = 0
    with pytest.raises(RegistryUnavailable, match="not answering"):
        reg.lookup("079090123456")
    assert Registry.calls == 0  # the registry was not even asked


def test_business_registry_and_document_store(server):
    options = {"timeout": 0.5, "retries": 0, "breaker": CircuitBreaker()}
    business = HttpBusinessRegistry(base_url=f"{server}/ok", **options).lookup("0312345678")
    assert business["legal_representatives"] == ["079090123456"]
    represented = HttpBusinessRegistry(base_url=f"{server}/ok", **options).represented_by("079090123456")
    assert [b["enterprise_code"] for b in represented] == ["0312345678"]
    with pytest.raises(RegistryUnavailable):
        HttpBusinessRegistry(base_url=f"{server}/garbage-list", **options).represented_by("079090123456")
    store = HttpDocumentStore(base_url=f"{server}/ok", **options)
    assert store.list_for(personal_id="079090123456")[0]["kind"] == "birth_certificate"
    stored = store.put(
        personal_id="079090123456",
        kind="birth_certificate",
        number="12/2020",
        issuer="UBND",
        issued_on=date(2020, 1, 2),
        data={},
    )
    assert stored["id"] == 7 and stored["issued_on"] == "2020-01-02"


def test_settings_choose_the_implementation(settings, server):
    from motcua.registries.adapters import population_registry
    from motcua.registries.adapters.local import LocalPopulationRegistry

    settings.REGISTRY_POPULATION_URL = ""
    assert isinstance(population_registry(), LocalPopulationRegistry)
    settings.REGISTRY_POPULATION_URL = f"{server}/ok"
    assert isinstance(population_registry(), HttpPopulationRegistry)
