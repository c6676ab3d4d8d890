"""The applicant's prefilled form kept between visits, and stored documents chosen instead of papers.

``prefill_run`` asks the registries (after the applicant consented) and keeps the result with its
provenance; corrections and reused documents are added to it; the dossier's draft takes it over.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from motcua.core.errors import ValidationError
from motcua.core.time import now
from motcua.registries.adapters import document_store
from motcua.registries.adapters.base import RegistryUnavailable
from motcua.registries.models import DocumentReuse, Prefill, VerificationCase
from motcua.registries.services import PrefilledForm, iso_date, personal_id_of, prefill, prefill_correct


def prefill_run(
    *,
    applicant: Any,
    version: Any,
    consent: bool,
    related: dict[str, dict[str, str]] | None = None,
    enterprise_code: str = "",
) -> Prefill:
    """Fill ``version``'s form from the registries for ``applicant`` and keep it. Related people asked
    for earlier stay in; corrections stay while the registry still says what it said then. When the
    procedure needs verified data the registry cannot give, a verification case is opened.

    The registries are asked outside any transaction (a slow registry must not hold the database);
    what is kept is written in one short transaction afterwards."""
    if not consent:
        raise ValidationError(
            "Hãy đánh dấu ô đồng ý để hệ thống lấy dữ liệu của bạn từ cơ sở dữ liệu quốc gia.",
            "Tick the consent box so the system may fetch your data from the national databases.",
            code="consent_required",
            field="consent",
        )
    stored = Prefill.objects.filter(
        applicant=applicant, procedure_code=version.code, enterprise_code=enterprise_code
    ).first()
    requests = {**(stored.related_requests if stored else {}), **(related or {})}
    # The latest choice wins when two documents of the procedure are of the same kind.
    reused = DocumentReuse.objects.filter(prefill=stored).order_by("chosen_at") if stored else []
    chosen = {r.kind: r.stored_id for r in reused}
    form = prefill(
        definition=version.data,
        applicant=applicant,
        purpose=f"Điền sẵn tờ khai thủ tục {version.code}",
        related=requests,
        enterprise_code=enterprise_code,
        chosen_documents=chosen,
    )
    if stored is not None:
        for key, old in PrefilledForm.from_json(stored.form).values.items():
            fresh = form.values.get(key)
            if not old.verified and fresh is not None and fresh.value == old.registry_value:
                form.values[key] = old
    # A request that failed is not kept: the applicant sees why and may type it again.
    requests = {key: value for key, value in requests.items() if "personal_id" in form.related.get(key, {})}
    values = {
        "procedure_version": version.version,
        "consented_at": now(),
        "form": form.to_json(),
        "related_requests": requests,
    }
    key = {"applicant": applicant, "procedure_code": version.code, "enterprise_code": enterprise_code}
    with transaction.atomic():
        try:
            with transaction.atomic():  # a double click: the second request updates what the first made
                stored, _ = Prefill.objects.update_or_create(**key, defaults=values)
        except IntegrityError:
            stored, _ = Prefill.objects.update_or_create(**key, defaults=values)
        if form.unverifiable:
            verification_case_open(applicant=applicant, procedure_code=version.code, reason=form.unverifiable)
        elif form.person_found:
            _close_unavailable_cases(applicant=applicant, procedure_code=version.code)
    return stored


def _close_unavailable_cases(*, applicant: Any, procedure_code: str) -> None:
    """A case opened only because the registry was down closes itself once the registry confirms."""
    VerificationCase.objects.filter(
        applicant=applicant,
        procedure_code=procedure_code,
        status=VerificationCase.Status.OPEN,
        reason=VerificationCase.Reason.UNAVAILABLE,
    ).update(
        status=VerificationCase.Status.VERIFIED,
        resolved_at=now(),
        note="Cơ sở dữ liệu đã xác nhận khi tra cứu lại / confirmed by the registry on a later look-up",
    )


def verification_case_open(*, applicant: Any, procedure_code: str, reason: str) -> VerificationCase:
    """Put an applicant the registry cannot confirm in the exception queue, once per procedure: an
    open case is not duplicated, and an official's decision is not reopened by fetching again."""
    cases = VerificationCase.objects.filter(applicant=applicant, procedure_code=procedure_code)
    open_cases = cases.filter(status=VerificationCase.Status.OPEN)
    decided = cases.exclude(status=VerificationCase.Status.OPEN).exclude(resolved_by=None)
    case = open_cases.first() or decided.order_by("-resolved_at").first()
    if case is None:
        try:
            with transaction.atomic():
                case = VerificationCase.objects.create(
                    applicant=applicant,
                    personal_id=personal_id_of(applicant),
                    full_name=getattr(applicant, "full_name", "") or applicant.get_username(),
                    date_of_birth=getattr(applicant, "date_of_birth", None),
                    procedure_code=procedure_code,
                    reason=reason,
                )
        except IntegrityError:  # opened by a concurrent request a moment ago
            case = open_cases.get()
    return case


@transaction.atomic
def prefill_correction_save(*, prefill_row: Prefill, version: Any, field_key: str, value: Any) -> Prefill:
    form = PrefilledForm.from_json(prefill_row.form)
    prefill_correct(definition=version.data, form=form, field_key=field_key, value=value)
    prefill_row.form = form.to_json()
    prefill_row.save(update_fields=["form", "updated_at"])
    return prefill_row


def replaceable_documents(version: Any) -> list[dict[str, Any]]:
    """The procedure's documents a stored document of a kind can stand in for."""
    return [d for d in version.data["documents"] if (d.get("replaceable_by") or {}).get("document_store")]


def stored_documents_for(prefill_row: Prefill, version: Any) -> tuple[dict[str, list[dict]], bool]:
    """For each replaceable document: the applicant's stored items of its kind (newest first), and
    whether the document store answered."""
    store = document_store()
    owner = {"enterprise_code": prefill_row.enterprise_code} if prefill_row.enterprise_code else {}
    owner = owner or {"personal_id": personal_id_of(prefill_row.applicant)}
    found: dict[str, list[dict]] = {}
    for document in replaceable_documents(version):
        try:
            found[document["key"]] = store.list_for(
                **owner, kind=document["replaceable_by"]["document_store"]
            )
        except RegistryUnavailable:
            return {}, False
    return found, True


def document_reuse_choose(
    *, prefill_row: Prefill, version: Any, document_key: str, stored_id: str
) -> DocumentReuse:
    """Use a stored document instead of uploading the paper; recorded as reuse."""
    kinds = {d["key"]: d["replaceable_by"]["document_store"] for d in replaceable_documents(version)}
    if document_key not in kinds:
        raise ValidationError(
            "Giấy tờ này của thủ tục không thay được bằng giấy tờ trong kho dữ liệu.",
            "This document of the procedure cannot be replaced by a stored one.",
            code="not_replaceable",
            field="document",
        )
    items, answered = stored_documents_for(prefill_row, version)
    if not answered:
        raise ValidationError(
            "Kho dữ liệu đang không phản hồi; hãy thử lại sau hoặc nộp bản chụp giấy tờ.",
            "The document store is not answering; try again later or upload a scan of the paper.",
            code="store_unavailable",
            field="document",
        )
    item = next((i for i in items.get(document_key, []) if str(i.get("id")) == str(stored_id)), None)
    if item is None:
        raise ValidationError(
            "Không tìm thấy giấy tờ này trong kho dữ liệu của bạn.",
            "This document is not in your document store.",
            code="not_stored",
            field="document",
        )
    issued_on = iso_date(item.get("issued_on"), registry=True)
    if issued_on is None:
        raise ValidationError(
            "Giấy tờ này trong kho dữ liệu thiếu ngày cấp nên chưa dùng được; hãy tải lên bản chụp.",
            "This stored document has no issue date, so it cannot be used; upload a scan instead.",
            code="stored_incomplete",
            field="document",
        )
    reuse, _ = DocumentReuse.objects.update_or_create(
        prefill=prefill_row,
        document_key=document_key,
        defaults={
            "stored_id": str(item["id"]),
            "source": document_store().code,
            "kind": kinds[document_key],
            "number": str(item.get("number") or "")[:40],
            "issuer": str(item.get("issuer") or "")[:200],
            "issued_on": issued_on,
        },
    )
    if _fills_fields(version):  # the chosen document's data fills the fields mapped to its kind
        prefill_run(
            applicant=prefill_row.applicant,
            version=version,
            consent=True,
            enterprise_code=prefill_row.enterprise_code,
        )
    return reuse


def document_reuse_cancel(*, prefill_row: Prefill, version: Any, document_key: str) -> None:
    """Upload the paper after all: the choice goes, and so do the fields its data filled."""
    deleted, _ = DocumentReuse.objects.filter(prefill=prefill_row, document_key=document_key).delete()
    if deleted and _fills_fields(version):
        prefill_run(
            applicant=prefill_row.applicant,
            version=version,
            consent=True,
            enterprise_code=prefill_row.enterprise_code,
        )


def _fills_fields(version: Any) -> bool:
    return any(source.startswith("document_store.") for source in version.data.get("prefill", {}).values())
