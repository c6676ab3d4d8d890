"""Contracts of the base registries. A registry answers with plain attribute dictionaries (the keys
the procedures' prefill mappings name, e.g. ``mother.full_name``), None for "not found", and raises
RegistryUnavailable when it cannot answer, so the form falls back to manual entry."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol


class RegistryUnavailable(Exception):
    """The registry did not answer in time or answered nonsense."""


class PopulationRegistry(Protocol):
    code: str  # the source code recorded as provenance, e.g. "population.local"

    def lookup(self, personal_id: str) -> dict[str, Any] | None: ...


class BusinessRegistry(Protocol):
    code: str

    def lookup(self, enterprise_code: str) -> dict[str, Any] | None: ...

    def represented_by(self, personal_id: str) -> list[dict[str, Any]]:
        """The businesses that name this person as a legal representative."""
        ...


class DocumentStore(Protocol):
    code: str

    def list_for(
        self, *, personal_id: str = "", enterprise_code: str = "", kind: str | None = None
    ) -> list[dict[str, Any]]: ...

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
        """Keep a document (and its file, ``content``, when there is one) for its owner."""
        ...

    def file_of(self, *, document_id: str, personal_id: str = "", enterprise_code: str = "") -> bytes | None:
        """The file of one of the owner's documents, or None (no such document of theirs, no file)."""
        ...
