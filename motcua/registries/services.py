"""Prefill with provenance ("điền sẵn"): what the state already knows, with where it came from.

DESIGN.md "Enter data once": ask the registries for exactly the attributes a procedure's form maps
(one call per registry and person), record each field's source, record every read in the person's
access log, and never block the application when a registry is silent — those fields fall back to
manual entry, marked as declared.

Three sources fill a form: the applicant's own population record (``prefill: population.*``), the
business they act for (``prefill: business.*``), and related people (``related:`` blocks: spouse,
parents, a child, or another person named by number and date of birth).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.accounts.identity import validate_personal_id
from motcua.core.errors import PermissionDenied, ValidationError
from motcua.core.time import now
from motcua.registries.adapters import business_registry, population_registry
from motcua.registries.adapters.base import RegistryUnavailable
from motcua.registries.models import DataAccess, VerificationCase


@dataclass(frozen=True)
class PrefilledValue:
    value: Any
    source: str  # registry code, e.g. "population.local"
    record: str  # whose record: a personal identification number or an enterprise code
    retrieved_at: datetime
    verified: bool = True  # confirmed by the registry, not declared by the applicant
    registry_value: Any = None  # the registry's value when the applicant corrected it
    related: str = ""  # the related-person block that filled it; "" for the applicant or business


@dataclass
class PrefilledForm:
    values: dict[str, PrefilledValue] = field(default_factory=dict)
    manual: list[str] = field(default_factory=list)  # mapped fields nothing filled: typed by hand
    unavailable: list[str] = field(default_factory=list)  # registries that did not answer
    person_found: bool = True  # False: not in the population registry (born abroad, missing records…)
    unverifiable: str = ""  # a VerificationCase.Reason when the applicant's data cannot be confirmed
    related: dict[str, dict[str, str]] = field(default_factory=dict)  # key → {"personal_id"|"problem"}

    @property
    def share_prefilled(self) -> float:
        total = len(self.values) + len(self.manual)
        return len(self.values) / total if total else 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for item in data["values"].values():
            item["retrieved_at"] = item["retrieved_at"].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PrefilledForm:
        values = {
            key: PrefilledValue(**{**item, "retrieved_at": datetime.fromisoformat(item["retrieved_at"])})
            for key, item in data.get("values", {}).items()
        }
        return cls(
            values=values,
            manual=list(data.get("manual", [])),
            unavailable=list(data.get("unavailable", [])),
            person_found=data.get("person_found", True),
            unverifiable=data.get("unverifiable", ""),
            related=dict(data.get("related", {})),
        )


def _dig(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _fill(
    form: PrefilledForm,
    mapping: dict[str, str],
    record: dict[str, Any],
    *,
    source: str,
    whose: str,
    related: str = "",
) -> list[str]:
    """Put ``record``'s values into the form; the attributes actually read, for the access log."""
    retrieved_at, read = now(), []
    for field_key, path in sorted(mapping.items()):
        value = _dig(record, path)
        if _empty(value):
            form.manual.append(field_key)
        else:
            form.values[field_key] = PrefilledValue(value, source, whose, retrieved_at, related=related)
            read.append(path)
    return sorted(set(read))


def _log(personal_id: str, attributes: list[str], source: str, applicant: Any, purpose: str, **kw) -> None:
    if attributes:
        DataAccess.objects.create(
            personal_id=personal_id,
            attributes=attributes,
            source=source,
            accessor=applicant,
            purpose=purpose[:200],
            **{"accessor_kind": DataAccess.Accessor.SELF, **kw},
        )


def _unverifiable_reason(record: dict[str, Any] | None, form: PrefilledForm) -> str:
    """Why the registry cannot confirm the applicant: a ``VerificationCase.Reason`` value, or ""."""
    Reason = VerificationCase.Reason
    checks = (
        (bool(form.unavailable), Reason.UNAVAILABLE),
        (record is None, Reason.NOT_FOUND),
        (record is not None and not record.get("nationality"), Reason.STATELESS),
        (record is not None and bool(record.get("born_abroad")), Reason.BORN_ABROAD),
        (record is not None and bool(record.get("naturalised")), Reason.NATURALISED),
    )
    return next((str(reason) for failed, reason in checks if failed), "")


def prefill(
    *,
    definition: dict[str, Any],
    applicant: Any,
    purpose: str,
    related: dict[str, dict[str, str]] | None = None,
    enterprise_code: str = "",
    chosen_documents: dict[str, str] | None = None,
) -> PrefilledForm:
    """Fill a procedure's form for ``applicant`` (signed in with e-ID) and log every read.

    ``related`` names the related-person blocks the applicant asked for, each having declared the
    relation, with what they typed: ``{"partner": {"personal_id": "…", "date_of_birth": "1990-01-02"}}``.
    ``enterprise_code`` is the business they apply for (they must be allowed to act for it).
    ``chosen_documents`` maps a stored-document kind to the item the applicant picked (its id): the
    data of that item fills ``document_store.<kind>.…`` fields; with no choice, the only item of the
    kind does, and with several the fields wait for the applicant to pick one.
    Registry down or person unknown: those fields are left for manual entry and the form says why.
    """
    if enterprise_code and not acts_for_business(applicant, enterprise_code, definition.get("code")):
        raise not_representative()
    form = PrefilledForm()
    mappings: dict[str, dict[str, str]] = {"population": {}, "business": {}, "document_store": {}}
    for key, source in definition.get("prefill", {}).items():
        registry_name, _, path = source.partition(".")
        if registry_name in mappings:
            mappings[registry_name][key] = path

    registry = population_registry()
    personal_id = getattr(applicant, "personal_id", "") or ""
    record = None
    needs_record = bool(
        mappings["population"] or definition.get("related") or definition.get("requires_verified_data")
    )
    if personal_id and needs_record:
        try:
            record = registry.lookup(personal_id)
        except RegistryUnavailable:
            form.unavailable.append(registry.code)
    form.person_found = record is not None or not (personal_id and needs_record) or bool(form.unavailable)
    if record is None:
        form.manual.extend(sorted(mappings["population"]))
    else:
        read = _fill(form, mappings["population"], record, source=registry.code, whose=personal_id)
        _log(personal_id, read, registry.code, applicant, purpose)
    if definition.get("requires_verified_data") and personal_id:
        form.unverifiable = _unverifiable_reason(record, form)

    _prefill_business(form, mappings["business"], applicant, enterprise_code)
    _prefill_documents(form, mappings["document_store"], applicant, enterprise_code, chosen_documents or {})
    requested = related or {}
    for block in definition.get("related", []):
        if block["key"] in requested:
            _prefill_related(form, block, requested[block["key"]], record, applicant, purpose)
        else:
            form.manual.extend(sorted(block["prefill"]))
    form.manual = sorted(set(form.manual))
    return form


def _prefill_business(
    form: PrefilledForm, mapping: dict[str, str], applicant: Any, enterprise_code: str
) -> None:
    if not mapping:
        return
    if not enterprise_code:
        form.manual.extend(mapping)
        return
    registry = business_registry()
    try:
        record = registry.lookup(enterprise_code)
    except RegistryUnavailable:
        form.unavailable.append(registry.code)
        record = None
    if record is None:
        form.manual.extend(mapping)
        return
    _fill(form, mapping, record, source=registry.code, whose=enterprise_code)


def _prefill_documents(
    form: PrefilledForm,
    mapping: dict[str, str],
    applicant: Any,
    enterprise_code: str,
    chosen: dict[str, str],
) -> None:
    """Fill fields from stored documents (a land-use certificate's parcel, a licence's number…)."""
    from motcua.registries.adapters import document_store

    by_kind: dict[str, dict[str, str]] = {}
    for field_key, path in mapping.items():
        kind, _, inner = path.partition(".")
        by_kind.setdefault(kind, {})[field_key] = inner
    store = document_store()
    owner = (
        {"enterprise_code": enterprise_code}
        if enterprise_code
        else {"personal_id": personal_id_of(applicant)}
    )
    for kind, fields in sorted(by_kind.items()):
        try:
            items = store.list_for(**owner, kind=kind) if any(owner.values()) else []
        except RegistryUnavailable:
            form.unavailable.append(store.code)
            items = []
        pick = [i for i in items if str(i.get("id")) == str(chosen.get(kind))] or (
            items if len(items) == 1 else []
        )
        if not pick:
            form.manual.extend(fields)
            continue
        item = pick[0]
        _fill(form, fields, item, source=store.code, whose=f"{kind} {item.get('number', '')}".strip())


def not_representative() -> PermissionDenied:
    return PermissionDenied(
        "Bạn không phải người đại diện theo pháp luật hoặc người được ủy quyền của doanh nghiệp này.",
        "You are neither the legal representative of this business nor authorised by it.",
        code="not_representative",
    )


def acts_for_business(applicant: Any, enterprise_code: str, procedure_code: str | None = None) -> bool:
    from motcua.accounts.selectors import authorisation_covers_enterprise
    from motcua.core.time import today

    check = import_string(settings.ACCOUNTS_LEGAL_REPRESENTATIVE_CHECK)
    return authorisation_covers_enterprise(
        grantee=applicant, enterprise_code=enterprise_code, on=today(), procedure_code=procedure_code
    ) or bool(check(getattr(applicant, "personal_id", ""), enterprise_code))


RELATION_WORDS = {
    "spouse": ("vợ/chồng", "spouse"),
    "father": ("cha", "father"),
    "mother": ("mẹ", "mother"),
    "child": ("con", "child"),
    "other_person": ("người liên quan", "other person"),
    "parent_of_child": ("cha/mẹ của trẻ", "parent of the child"),
}


def _related_problem(form: PrefilledForm, block: dict[str, Any], vi: str, en: str) -> None:
    form.related[block["key"]] = {"problem_vi": vi, "problem_en": en}
    form.manual.extend(block["prefill"])


def _prefill_related(
    form: PrefilledForm,
    block: dict[str, Any],
    typed: dict[str, str],
    own: dict[str, Any] | None,
    applicant: Any,
    purpose: str,
) -> None:
    """Fill one related-person block and log the read in that person's access log, with the relation
    the applicant declared. A person the applicant cannot show a link to is never read."""
    relation = block["relation"]
    registry = population_registry()
    target = ""
    if relation in ("child", "other_person"):
        target = (typed.get("personal_id") or "").strip()
        try:
            validate_personal_id(target)
        except ValidationError as error:
            _related_problem(form, block, error.message_vi, error.message_en)
            return
    if own is None and relation != "other_person":
        _related_problem(
            form,
            block,
            "Không đọc được dữ liệu dân cư của bạn nên không tìm được người thân; hãy tự nhập.",
            "Your own population record could not be read, so your relative cannot be found; type it in.",
        )
        return
    mine = own or {}
    if relation in ("spouse", "father", "mother"):
        target = str(_as_dict(mine.get(relation)).get("personal_id") or "")
    elif relation == "parent_of_child":
        is_self = mine.get("sex") == block["sex"]
        target = (
            personal_id_of(applicant)
            if is_self
            else str(_as_dict(mine.get("spouse")).get("personal_id") or "")
        )
    elif relation == "child":
        kids = mine.get("children")
        children = {_as_dict(c).get("personal_id") for c in (kids if isinstance(kids, list) else [])}
        if target not in children:
            _related_problem(
                form,
                block,
                "Cơ sở dữ liệu dân cư không ghi nhận người này là con của bạn; hãy kiểm tra số hoặc tự nhập.",
                "The population registry does not record this person as your child; check the number "
                "or type it in.",
            )
            return
    if not target and relation == "parent_of_child":
        _related_problem(
            form,
            block,
            "Cơ sở dữ liệu dân cư không ghi nhận vợ/chồng của bạn (cha hoặc mẹ còn lại của trẻ); "
            "hãy tự nhập.",
            "The population registry records no spouse of yours (the child's other parent); type it in.",
        )
        return
    if not target:
        words = RELATION_WORDS[relation]
        _related_problem(
            form,
            block,
            f"Cơ sở dữ liệu dân cư không ghi nhận {words[0]} của bạn; hãy tự nhập.",
            f"The population registry records no {words[1]} of yours; type it in.",
        )
        return
    try:
        record = registry.lookup(target)
    except RegistryUnavailable:
        form.unavailable.append(registry.code)
        _related_problem(
            form,
            block,
            "Cơ sở dữ liệu dân cư đang không phản hồi; hãy tự nhập hoặc thử lại sau.",
            "The population registry is not answering; type it in or try again later.",
        )
        return
    if relation == "other_person":
        declared = iso_date(typed.get("date_of_birth"))
        if declared is None:
            _related_problem(
                form,
                block,
                "Hãy nhập ngày sinh của người này (ngày/tháng/năm).",
                "Enter this person's date of birth (day/month/year).",
            )
            return
        if record is None or iso_date(record.get("date_of_birth"), registry=True) != declared:
            # One answer for "no such number" and "wrong date of birth": nobody probes the registry.
            _related_problem(
                form,
                block,
                "Không tìm thấy người có số định danh và ngày sinh này; hãy kiểm tra lại hoặc tự nhập.",
                "Nobody with this number and date of birth was found; check them or type the details in.",
            )
            return
    if record is None:
        _related_problem(
            form,
            block,
            "Cơ sở dữ liệu dân cư không có hồ sơ của người này; hãy tự nhập.",
            "The population registry has no record of this person; type the details in.",
        )
        return
    form.related[block["key"]] = {"personal_id": target}
    read = _fill(form, block["prefill"], record, source=registry.code, whose=target, related=block["key"])
    if target == personal_id_of(applicant):
        _log(target, read, registry.code, applicant, purpose)
    else:
        _log(
            target,
            read,
            registry.code,
            applicant,
            purpose,
            accessor_kind=DataAccess.Accessor.APPLICANT,
            declared_relation=relation,
        )


def iso_date(value: Any, *, registry: bool = False) -> date | None:
    """A date typed as YYYY-MM-DD, or None. A registry's value may carry a time after the date."""
    text = str(value or "").strip()
    try:
        return date.fromisoformat(text[:10] if registry else text)
    except ValueError:
        return None


def _as_dict(value: Any) -> dict[str, Any]:
    """A registry's nested object, or {} when the answer has something else there."""
    return value if isinstance(value, dict) else {}


def personal_id_of(user: Any) -> str:
    return getattr(user, "personal_id", "") or ""


def prefill_correct(*, definition: dict[str, Any], form: PrefilledForm, field_key: str, value: Any) -> None:
    """The applicant corrects a prefilled value where the procedure allows it: the new value is kept
    as declared, the registry's value beside it for the official. Typing the registry value back
    undoes the correction."""
    fields = {f["key"]: f for s in definition["form"]["sections"] for f in s["fields"]}
    spec = fields.get(field_key)
    current = form.values.get(field_key)
    if spec is None or current is None or not spec.get("correctable"):
        raise ValidationError(
            "Thông tin này lấy từ cơ sở dữ liệu quốc gia và không sửa được khi nộp hồ sơ; nếu sai, hãy đề "
            "nghị cơ quan quản lý cơ sở dữ liệu điều chỉnh.",
            "This value comes from a national database and cannot be changed in an application; if it "
            "is wrong, ask the agency that keeps the database to correct it.",
            code="not_correctable",
            field=field_key,
        )
    registry_value = current.registry_value if not current.verified else current.value
    cleaned = _clean_correction(spec, value)
    if cleaned == registry_value or (
        isinstance(registry_value, dict)
        and isinstance(cleaned, dict)
        and cleaned["text"] in _place_texts(registry_value)
    ):
        form.values[field_key] = PrefilledValue(
            registry_value, current.source, current.record, current.retrieved_at, related=current.related
        )
        return
    form.values[field_key] = PrefilledValue(
        cleaned,
        current.source,
        current.record,
        current.retrieved_at,
        verified=False,
        registry_value=registry_value,
        related=current.related,
    )


def _place_texts(value: dict[str, Any]) -> set[str]:
    """How a registry place reads: its street text alone, or with the unit's name."""
    text, label = str(value.get("text") or ""), str(value.get("label") or "")
    return {" ".join(t.split()) for t in (text, label, ", ".join(p for p in (text, label) if p)) if t}


def _clean_correction(spec: dict[str, Any], value: Any) -> Any:
    from django.core.validators import validate_email

    text = " ".join(str(value or "").split())
    if not text or len(text) > 300:
        raise ValidationError(
            "Hãy nhập giá trị mới (tối đa 300 ký tự).",
            "Enter the new value (at most 300 characters).",
            code="correction_empty",
            field=spec["key"],
        )
    kind = spec.get("type")
    if kind == "email":
        try:
            validate_email(text)
        except Exception:
            raise ValidationError(
                "Địa chỉ thư điện tử không hợp lệ.",
                "This is not a valid e-mail address.",
                code="email",
                field=spec["key"],
            ) from None
    digits = text.replace(" ", "").replace(".", "").replace("-", "").removeprefix("+")
    if kind == "phone" and not (digits.isdigit() and 9 <= len(digits) <= 15):
        raise ValidationError(
            "Số điện thoại chỉ gồm chữ số, từ 9 đến 15 số.",
            "A phone number has 9 to 15 digits.",
            code="phone",
            field=spec["key"],
        )
    if kind == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValidationError(
                "Ngày không hợp lệ (năm-tháng-ngày).",
                "Not a valid date (year-month-day).",
                code="date",
                field=spec["key"],
            ) from None
    if kind == "place":
        return {"kind": "text", "text": text}
    return text
