"""Registries over HTTP (the JSON contract of docs/registries.md), built to fail gently.

Every call has a timeout and a few retries with exponential backoff for transient failures (timeouts,
connection errors, 5xx). Answers that are not the contract's JSON count as failures too. A circuit
breaker per registry opens after repeated failures and, while open, answers at once with
RegistryUnavailable: a slow registry then costs the applicant nothing but manual entry.
"""

from __future__ import annotations

import base64
import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import requests

from motcua.registries.adapters.base import RegistryUnavailable


@dataclass
class _Circuit:
    failures: int = 0
    opened_at: float | None = None


class CircuitBreaker:
    """Open after ``threshold`` consecutive failures; let one trial call through after ``cooldown``."""

    def __init__(self, *, threshold: int = 5, cooldown: float = 30.0) -> None:
        self.threshold, self.cooldown = threshold, cooldown
        self._circuits: dict[str, _Circuit] = {}
        self._lock = threading.Lock()

    def before(self, key: str) -> None:
        with self._lock:
            circuit = self._circuits.setdefault(key, _Circuit())
            if circuit.opened_at is not None and time.monotonic() - circuit.opened_at < self.cooldown:
                raise RegistryUnavailable(f"{key}: not answering, tried again in a moment")

    def success(self, key: str) -> None:
        with self._lock:
            self._circuits[key] = _Circuit()

    def failure(self, key: str) -> None:
        with self._lock:
            circuit = self._circuits.setdefault(key, _Circuit())
            circuit.failures += 1
            if circuit.failures >= self.threshold:
                circuit.opened_at = time.monotonic()


BREAKER = CircuitBreaker()


class _HttpRegistry:
    code = "http"

    def __init__(
        self,
        *,
        base_url: str,
        token: str = "",
        timeout: float = 3.0,
        retries: int = 2,
        backoff: float = 0.2,
        breaker: CircuitBreaker = BREAKER,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.breaker = breaker
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers["Accept"] = "application/json"

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any] | list[Any] | None:
        """The JSON body; None for 404; RegistryUnavailable when the registry cannot answer properly."""
        self.breaker.before(self.base_url)
        last_error = "no attempt"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self.session.request(
                    method, f"{self.base_url}{path}", timeout=self.timeout, **kwargs
                )
            except requests.RequestException as exc:
                last_error = exc.__class__.__name__
                continue
            if response.status_code == 404:
                self.breaker.success(self.base_url)
                return None
            if response.status_code >= 500:
                last_error = f"HTTP {response.status_code}"
                continue
            if response.status_code >= 400:
                self.breaker.failure(self.base_url)
                raise RegistryUnavailable(
                    f"{self.base_url} refused the request (HTTP {response.status_code})"
                )
            try:
                body = response.json()
            except ValueError:
                last_error = "not JSON"
                continue
            if not isinstance(body, dict | list):
                last_error = "unexpected JSON"
                continue
            self.breaker.success(self.base_url)
            return body
        self.breaker.failure(self.base_url)
        raise RegistryUnavailable(f"{self.base_url} did not answer properly ({last_error})")


def _object(body: Any) -> dict[str, Any] | None:
    if body is None:
        return None
    if not isinstance(body, dict):
        raise RegistryUnavailable("the registry answered with something other than an object")
    return body


def _list(body: Any) -> list[dict[str, Any]]:
    if body is None:
        return []
    if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
        raise RegistryUnavailable("the registry answered with something other than a list")
    return body


class HttpPopulationRegistry(_HttpRegistry):
    code = "population.http"

    def lookup(self, personal_id: str) -> dict[str, Any] | None:
        return _object(self._request("GET", f"/people/{personal_id}"))


class HttpBusinessRegistry(_HttpRegistry):
    code = "business.http"

    def lookup(self, enterprise_code: str) -> dict[str, Any] | None:
        return _object(self._request("GET", f"/businesses/{enterprise_code}"))

    def represented_by(self, personal_id: str) -> list[dict[str, Any]]:
        return _list(self._request("GET", "/businesses", params={"representative": personal_id}))


class HttpDocumentStore(_HttpRegistry):
    code = "document_store.http"

    def list_for(
        self, *, personal_id: str = "", enterprise_code: str = "", kind: str | None = None
    ) -> list[dict[str, Any]]:
        params = {
            k: v
            for k, v in (("personal_id", personal_id), ("enterprise_code", enterprise_code), ("kind", kind))
            if v
        }
        return _list(self._request("GET", "/documents", params=params))

    def put(
        self,
        *,
        personal_id: str = "",
        enterprise_code: str = "",
        kind: str,
        number: str,
        issuer: str,
        issued_on: date,
        data: dict[str, Any],
        content: bytes = b"",
        file_name: str = "",
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "personal_id": personal_id,
            "enterprise_code": enterprise_code,
            "kind": kind,
            "number": number,
            "issuer": issuer,
            "issued_on": issued_on.isoformat(),
            "data": data,
        }
        if content:  # the file travels base64-encoded in the same request
            payload["file"] = {"name": file_name, "content_base64": base64.b64encode(content).decode()}
        body = _object(self._request("POST", "/documents", json=payload))
        if body is None:
            raise RegistryUnavailable("the document store has no such owner")
        return body

    def file_of(self, *, document_id: str, personal_id: str = "", enterprise_code: str = "") -> bytes | None:
        owner = {"personal_id": personal_id} if personal_id else {"enterprise_code": enterprise_code}
        body = _object(self._request("GET", f"/documents/{document_id}/file", params=owner))
        if not body or not body.get("content_base64"):
            return None
        try:
            return base64.b64decode(body["content_base64"], validate=True)
        except ValueError as error:
            raise RegistryUnavailable("the document store sent a file that is not base64") from error
