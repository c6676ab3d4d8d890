"""The citizen's "data filled in for you" page of a procedure: consent, the registries' values with
their source, corrections, related people, and stored documents chosen instead of papers."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.accounts.citizen_views import citizen_login_required
from motcua.catalogue.selectors import procedure_version_in_force
from motcua.core import ratelimit
from motcua.core.errors import MotcuaError, NotFound
from motcua.registries.attributes import display_value
from motcua.registries.models import DocumentReuse, Prefill, VerificationCase
from motcua.registries.prefills import (
    document_reuse_cancel,
    document_reuse_choose,
    prefill_correction_save,
    prefill_run,
    replaceable_documents,
    stored_documents_for,
)
from motcua.registries.selectors import businesses_for
from motcua.registries.services import RELATION_WORDS, PrefilledForm, acts_for_business, not_representative

ENTERPRISE_CODE = re.compile(r"(|[0-9]{10}(-[0-9]{3})?)")
# Looking up another person by number and date of birth: a handful an hour is plenty for a family.
OTHER_PERSON_LIMIT = 10


def _labelled_fields(version: Any) -> dict[str, dict]:
    """Each field labelled with its section ("Người mẹ — Họ và tên"): forms repeat field names per
    person."""
    return {
        f["key"]: {**f, "label": {lang: f"{s['title'][lang]} — {f['label'][lang]}" for lang in ("vi", "en")}}
        for s in version.data["form"]["sections"]
        for f in s["fields"]
    }


@never_cache
@require_http_methods(["GET", "POST"])
@citizen_login_required
def prefill_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        version = procedure_version_in_force(code=code)
    except NotFound as error:
        raise Http404(str(error)) from error
    enterprise = request.POST.get("enterprise_code", request.GET.get("dn", "")).strip()
    if not ENTERPRISE_CODE.fullmatch(enterprise):
        raise Http404(_("There is no such business."))
    if enterprise and not acts_for_business(request.user, enterprise, code):
        # Only a business's representative or authorised person sees or fills anything for it.
        messages.error(request, str(not_representative()))
        return redirect(request.path)
    stored = Prefill.objects.filter(
        applicant=request.user, procedure_code=code, enterprise_code=enterprise
    ).first()
    if request.method == "POST":
        try:
            _act(request, version, stored, enterprise)
        except MotcuaError as error:
            messages.error(request, str(error))
        return redirect(f"{request.path}?dn={enterprise}" if enterprise else request.path)
    context = _context(request, version, stored)
    context["enterprise_code"] = enterprise
    if _uses_business(version):
        context["businesses"], context["business_registry_answered"] = businesses_for(request.user)
    return render(request, "registries/prefill.html", context)


def _uses_business(version: Any) -> bool:
    return any(source.startswith("business.") for source in version.data.get("prefill", {}).values())


def _act(request: HttpRequest, version: Any, stored: Prefill | None, enterprise: str) -> None:
    action = request.POST.get("action", "")
    if action == "consent":
        prefill_run(
            applicant=request.user,
            version=version,
            consent=request.POST.get("consent") == "yes",
            enterprise_code=enterprise,
        )
        messages.success(request, _("Your data was filled in from the national databases."))
        return
    if stored is None:
        messages.error(request, _("Give your consent first, so your data can be filled in."))
        return
    if action == "related":
        _pull_related(request, version, enterprise)
    elif action == "correct":
        prefill_correction_save(
            prefill_row=stored,
            version=version,
            field_key=request.POST.get("field", ""),
            value=request.POST.get("value", ""),
        )
        messages.success(request, _("Your correction was saved. The official will see both values."))
    elif action == "choose":
        document_reuse_choose(
            prefill_row=stored,
            version=version,
            document_key=request.POST.get("document", ""),
            stored_id=request.POST.get("stored_id", ""),
        )
        messages.success(request, _("The stored document will be used instead of a paper copy."))
    elif action == "unchoose":
        document_reuse_cancel(
            prefill_row=stored, version=version, document_key=request.POST.get("document", "")
        )


def _pull_related(request: HttpRequest, version: Any, enterprise: str) -> None:
    key = request.POST.get("key", "")
    block = next((b for b in version.data.get("related", []) if b["key"] == key), None)
    if block is None:
        messages.error(request, _("This part of the form does not exist. Reload the page."))
        return
    if request.POST.get("declare") != "yes":
        messages.error(request, _("Confirm your relation with this person before their data is fetched."))
        return
    if block["relation"] == "other_person" and not ratelimit.allow(
        f"prefill-other:{request.user.pk}", limit=OTHER_PERSON_LIMIT, window_seconds=3600
    ):
        messages.error(
            request, _("Too many look-ups of other people in the last hour. Type their details in.")
        )
        return
    typed = {
        "personal_id": request.POST.get("personal_id", "").strip(),
        "date_of_birth": request.POST.get("date_of_birth", "").strip(),
    }
    stored = prefill_run(
        applicant=request.user,
        version=version,
        consent=True,
        related={key: typed},
        enterprise_code=enterprise,
    )
    outcome = PrefilledForm.from_json(stored.form).related.get(key, {})
    if "personal_id" in outcome:
        messages.success(request, _("Their data was filled in. The look-up is in their data access log."))
    else:
        english = (get_language() or "vi").startswith("en")
        messages.error(request, outcome.get("problem_en" if english else "problem_vi", ""))


def _declaration(block: dict[str, Any]) -> str:
    """The one sentence the applicant ticks before a related person's record is read."""
    english = (get_language() or "vi").startswith("en")
    if block["relation"] == "parent_of_child":
        return _(
            "I am the child's mother or father. The data of “%(part)s” is taken from my record or my "
            "spouse's, and the look-up is recorded in their log."
        ) % {"part": block["name"]["en" if english else "vi"]}
    return _(
        "I declare that this person is my %(relation)s; their data is fetched to fill in this part and "
        "the look-up is recorded in their log."
    ) % {"relation": RELATION_WORDS[block["relation"]][1 if english else 0]}


def _context(request: HttpRequest, version: Any, stored: Prefill | None) -> dict[str, Any]:
    context: dict[str, Any] = {"version": version, "stored": stored}
    if stored is None:
        return context
    fields = _labelled_fields(version)
    form = PrefilledForm.from_json(stored.form)
    order = {key: index for index, key in enumerate(fields)}
    context["rows"] = [
        {
            "key": key,
            "label": fields[key]["label"],
            "shown": display_value(fields[key], item.value),
            "registry_shown": display_value(fields[key], item.registry_value) if not item.verified else "",
            "item": item,
            "correctable": bool(fields[key].get("correctable")),
            "input_type": {"email": "email", "phone": "tel", "date": "date"}.get(fields[key]["type"], "text"),
        }
        for key, item in sorted(form.values.items(), key=lambda kv: order.get(kv[0], 0))
        if key in fields
    ]
    context["manual"] = [fields[key]["label"] for key in form.manual if key in fields]
    context["form"] = form
    context["related"] = [
        {**block, "declaration": _declaration(block), "outcome": form.related.get(block["key"], {})}
        for block in version.data.get("related", [])
    ]
    chosen = {r.document_key: r for r in DocumentReuse.objects.filter(prefill=stored)}
    items, answered = stored_documents_for(stored, version)
    context["documents"] = [
        {"document": d, "items": items.get(d["key"], []), "chosen": chosen.get(d["key"])}
        for d in replaceable_documents(version)
    ]
    context["store_answered"] = answered
    context["case"] = (
        VerificationCase.objects.filter(applicant=request.user, procedure_code=version.code)
        .select_related("agency")
        .order_by("-opened_at")
        .first()
    )
    return context
