"""Prefill with provenance ("điền sẵn"): what the state already knows, with where it came from.

DESIGN.md "Enter data once": ask the registries for exactly the attributes a procedure's form maps
(one call per registry), record each field's source, record the read in the person's access log, and
never block the application when a registry is silent — those fields fall back to manual entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from motcua.core.time import now
from motcua.registries.adapters import population_registry
from motcua.registries.adapters.base import RegistryUnavailable
from motcua.registries.models import DataAccess


@dataclass(frozen=True)
class PrefilledValue:
    value: Any
    source: str  # registry code, e.g. "population.local"
    record: str  # whose record (personal identification number)
    retrieved_at: datetime
    verified: bool = True  # confirmed by the registry, not declared by the applicant


@dataclass
class PrefilledForm:
    values: dict[str, PrefilledValue] = field(default_factory=dict)
    manual: list[str] = field(default_factory=list)  # mapped fields the registry did not fill
    unavailable: list[str] = field(default_factory=list)  # registries that did not answer
    person_found: bool = True  # False: not in the population registry (born abroad, missing records…)

    @property
    def share_prefilled(self) -> float:
        total = len(self.values) + len(self.manual)
        return len(self.values) / total if total else 0.0


def _dig(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


@transaction.atomic
def prefill(*, definition: dict[str, Any], applicant: Any, purpose: str) -> PrefilledForm:
    """Fill a procedure's form from the population registry for the applicant (who signed in with
    e-ID) and log the read in the applicant's access log. Registry down or person unknown: nothing is
    filled and the form asks for everything, saying why."""
    mapping = {
        f: source.split(".", 1)[1]
        for f, source in definition.get("prefill", {}).items()
        if source.startswith("population.")
    }
    form = PrefilledForm()
    if not mapping:
        return form
    registry = population_registry()
    personal_id = getattr(applicant, "personal_id", None)
    record = None
    if personal_id:
        try:
            record = registry.lookup(personal_id)
        except RegistryUnavailable:
            form.unavailable.append(registry.code)
    if record is None:
        form.person_found = not personal_id or bool(form.unavailable)
        form.manual = sorted(mapping)
        return form
    retrieved_at = now()
    for field_key, path in sorted(mapping.items()):
        value = _dig(record, path)
        if value in (None, "", [], {}):
            form.manual.append(field_key)
        else:
            form.values[field_key] = PrefilledValue(value, registry.code, str(personal_id), retrieved_at)
    DataAccess.objects.create(
        personal_id=personal_id,
        attributes=sorted({mapping[f] for f in form.values}),
        source=registry.code,
        accessor_kind=DataAccess.Accessor.SELF,
        accessor=applicant,
        purpose=purpose[:200],
    )
    return form
