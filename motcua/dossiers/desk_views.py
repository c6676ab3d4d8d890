"""The officials' desk: queues of their agencies' dossiers, the dossier page, and the actions their
roles allow. Behind the back-office guard (password + second factor)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts.models import Membership
from motcua.accounts.permissions import authorize
from motcua.core.errors import MotcuaError, PermissionDenied, ValidationError
from motcua.core.http import client_ip
from motcua.core.time import VN_TZ, now, to_local, today
from motcua.dossiers.control import control_outcome, control_steps
from motcua.dossiers.handlers import result_signature_required
from motcua.dossiers.models import Dossier, DossierFile, Status
from motcua.dossiers.selectors import (
    QUEUES,
    colleagues_for_hand_over,
    component_flags,
    desk_queue,
    dossier_actions_for,
    dossier_viewable,
)
from motcua.dossiers.services import dossier_transition
from motcua.dossiers.slips import slip_links
from motcua.dossiers.states import APPLICANT_ACTIONS, TRANSITIONS, action_label
from motcua.registries.attributes import display_value, source_label

QUEUE_NAMES = {
    "receive": ("Chờ tiếp nhận", "To receive"),
    "processing": ("Đang xử lý", "Being processed"),
    "mine": ("Của tôi", "Mine"),
    "signature": ("Chờ ký", "Waiting for signature"),
    "deliver": ("Chờ trả kết quả", "To deliver"),
    "near_due": ("Sắp đến hạn", "Due soon"),
    "late": ("Trễ hạn", "Late"),
}


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


REGISTER_LIMIT = 20000  # rows of one register export
HAND_OVER_QUEUES = {"processing", "mine", "near_due", "late"}  # dossiers in status 2 or 4
BULK_LIMIT = 50  # one page of a queue


def _queue_filters(params: Any) -> dict[str, Any]:
    """The queue, search and filters of the page's address, cleaned (odd values mean "none")."""
    name = params.get("q", "receive")
    before, channel = params.get("truoc", ""), params.get("kenh", "")
    procedure = params.get("tt", "")
    return {
        "queue": name if name in QUEUES else "receive",
        "search": params.get("s", "")[:60],
        "before": int(before) if before.isdecimal() and len(before) < 12 else None,
        "procedure_code": procedure if len(procedure) == 8 and procedure[1:2] == "." else "",
        "channel": int(channel) if channel in {"1", "2", "3"} else None,
    }


@never_cache
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    from motcua.accounts.selectors import agencies_granting
    from motcua.catalogue.selectors import procedure_list_in_force
    from motcua.dossiers.models import Channel

    filters = _queue_filters(request.GET)
    rows = desk_queue(official=request.user, on=today(), now_at=now(), **filters)
    english = _english()
    hand_over_agencies = (
        agencies_granting(request.user, "dossier.hand_over", on=today())
        if filters["queue"] in HAND_OVER_QUEUES
        else set()
    )
    kept = {k: v for k, v in request.GET.items() if k in ("q", "s", "tt", "kenh") and v}
    return render(
        request,
        "dossiers/desk_queue.html",
        {
            **filters,
            "queues": [(key, QUEUE_NAMES[key][1 if english else 0]) for key in QUEUES],
            "rows": _queue_rows(rows, english=english, now_at=now()),
            "procedures": sorted(
                ((p.code, p.name_en if english else p.name_vi) for p in procedure_list_in_force()),
                key=lambda item: item[1],
            ),
            "channels": Channel.choices,
            "colleagues": colleagues_for_hand_over(agency_ids=hand_over_agencies, on=today())
            if hand_over_agencies
            else [],
            "here": urlencode(kept),
            "next_page": urlencode({**kept, "truoc": rows[-1].pk}) if len(rows) == 50 else "",
            "now": now(),
        },
    )


def _queue_rows(rows: list[Dossier], *, english: bool, now_at: datetime) -> list[dict[str, Any]]:
    """What each row of a queue shows, worked out once here: a page of 50 rows rendered through
    the model's display methods and the template's lookups cost more than its SQL."""
    from motcua.dossiers.models import Stage

    labels: dict[tuple[int, str], str] = {}
    base = reverse("desk:queue")
    choose = _("Choose %(code)s")
    shown = []
    for d in rows:
        key = (d.status, d.stage)
        if key not in labels:
            label = str(Status(d.status).label)
            labels[key] = f"{label} · {Stage(d.stage).label}" if d.stage else label
        code = d.code or d.reference
        due = d.current_due_at
        shown.append(
            {
                "pk": d.pk,
                "code": code,
                "url": f"{base}{d.pk}",
                "procedure": d.procedure_version.name_en if english else d.procedure_version.name_vi,
                "applicant": d.applicant_name,
                "status": labels[key],
                "handler": d.assignee.full_name if d.assignee else "—",
                "due": to_local(due).strftime("%H:%M %d/%m/%Y") if due else "—",
                "late": bool(due and due < now_at and d.status not in (9, 10)),
                "tickable": d.status in (2, 4),
                "choose": choose % {"code": code},
            }
        )
    return shown


@require_POST
def hand_over_many(request: HttpRequest) -> HttpResponse:
    """Hand the dossiers ticked on a queue page to one person ("chuyển xử lý hàng loạt"): each one is
    its own transition with its own checks, so one refusal does not hold up the others."""
    from motcua.accounts.models import User

    back = f"{reverse('desk:queue')}?{request.POST.get('here', '')[:300]}"
    ids = [int(i) for i in request.POST.getlist("ids")[:BULK_LIMIT] if i.isdecimal() and len(i) < 12]
    person_id = request.POST.get("to_person", "")
    person = (
        User.objects.filter(pk=int(person_id), is_active=True).first()
        if person_id.isdecimal() and len(person_id) < 12
        else None
    )
    if not ids or person is None:
        messages.error(request, _("Tick the dossiers and choose who takes them over."))
        return redirect(back)
    done, refused = [], []
    for dossier in Dossier.objects.filter(pk__in=ids).order_by("pk"):
        try:
            authorize(request.user, "dossier.view", dossier)
        except PermissionDenied:  # another agency's dossier: not even its code is said
            refused.append(_("a dossier you cannot see"))
            continue
        label = dossier.code or dossier.reference
        try:
            dossier_transition(
                actor=request.user,
                dossier=dossier,
                action="hand_over",
                to_person=person,
                ip=client_ip(request),
            )
        except MotcuaError as error:
            refused.append(f"{label}: {error}")
        else:
            done.append(label)
    if done:
        messages.success(
            request,
            _("Handed over to %(person)s: %(codes)s.")
            % {"person": person.full_name, "codes": ", ".join(done)},
        )
    for line in refused:
        messages.error(request, _("Not handed over — %(reason)s") % {"reason": line})
    return redirect(back)


def _dossier_or_404(request: HttpRequest, pk: int) -> Dossier:
    dossier = dossier_viewable(user=request.user, pk=pk)
    if dossier is None:
        raise Http404(_("There is no such dossier."))
    return dossier


@never_cache
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    english = _english()
    definition = dossier.procedure_version.data
    fields = []
    for section in definition["form"]["sections"]:
        for spec in section["fields"]:
            if dossier.data.get(spec["key"]) in (None, "", [], {}):
                continue
            source = dossier.provenance.get(spec["key"])
            fields.append(
                {
                    "section": section["title"]["en" if english else "vi"],
                    "label": spec["label"]["en" if english else "vi"],
                    "value": display_value(spec, dossier.data[spec["key"]]),
                    "source": source,
                    "source_label": source_label(source["source"], english=english) if source else "",
                    "registry_value": display_value(spec, source["registry_value"])
                    if source and not source.get("verified", True)
                    else "",
                }
            )
    documents = dossier.data.get("documents", {})
    files = {f.pk: f for f in dossier.files.all()}
    flags = component_flags(dossier)
    papers = [
        {
            "document": d,
            "flags": flags.get(d["key"], {}),
            "files": [files[i] for i in documents.get(d["key"], {}).get("files", []) if i in files],
            "reused": documents.get(d["key"], {}).get("reused"),
            "paper": bool(documents.get(d["key"], {}).get("paper")),
            "electronic": d.get("form") == "electronic",
        }
        for d in definition["documents"]
    ]
    loaded = list(dossier.events.select_related("actor", "to_person", "to_agency"))
    events = [(e, action_label(e.action, english=english)) for e in loaded]
    steps = [
        (step, step.name(english=english), step.result_label(english=english))
        for step in control_steps(dossier, loaded, now_at=now())
    ]
    overall = control_outcome(dossier, now_at=now())
    actions = dossier_actions_for(request.user, dossier, official=True)
    # Whom to hand over to: the agency handling the dossier, then the one deciding it (a department).
    colleagues = (
        [
            (agency, colleagues_for_hand_over(agency_ids=[agency.pk], on=today()))
            for agency in dict.fromkeys([dossier.current_agency, dossier.competent_agency])
            if agency is not None
        ]
        if "hand_over" in actions
        else []
    )
    return render(
        request,
        "dossiers/desk_dossier.html",
        {
            "dossier": dossier,
            "fields": fields,
            "papers": papers,
            "events": events,
            "steps": steps,
            "overall": overall,
            "overall_label": overall.result_label(english=english),
            "actions": [(a, TRANSITIONS[a].en if english else TRANSITIONS[a].vi) for a in actions],
            "colleagues": [(agency, people) for agency, people in colleagues if people],
            "slips": slip_links(dossier, english=english),
            "supplement_files": [f for f in files.values() if f.document_key == "supplement"],
            "e_result_to_sign": "sign" in actions and result_signature_required(dossier),
            "may_print": bool(dossier.e_result_code)
            and ("deliver" in actions or dossier.status == Status.DELIVERED),
            "has_counter_scans": any(f.counter_submission_key for f in files.values()),
        },
    )


@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    if action not in TRANSITIONS or action in APPLICANT_ACTIONS:
        raise Http404(_("There is no such action."))
    if action == "sign" and result_signature_required(dossier):
        messages.error(request, _("This result is signed digitally: read it and sign it on its page."))
        return redirect("results:sign", pk=pk)
    note = request.POST.get("note", "")[:2000]
    kwargs: dict[str, Any] = {"note": note, "ip": client_ip(request)}
    if action == "hand_over":
        agency_id, _sep, person_id = request.POST.get("to_person", "").partition(":")
        chosen = (
            Membership.objects.filter(
                agency_id__in=[dossier.current_agency_id, dossier.competent_agency_id],
                agency_id=int(agency_id) if agency_id.isdecimal() and len(agency_id) < 12 else 0,
                user_id=int(person_id) if person_id.isdecimal() and len(person_id) < 12 else 0,
            )
            .select_related("user", "agency")
            .first()
        )
        kwargs["to_person"] = chosen.user if chosen else None
        if chosen is not None and chosen.agency_id != dossier.current_agency_id:
            kwargs["to_agency"] = chosen.agency
    if action == "deliver":
        kwargs["data"] = {"method": request.POST.get("method", "counter")[:10]}
    if action == "supplement_at_counter":
        kwargs["data"] = {"supplement.counter": note}
    if action == "request_supplement":
        kwargs["items"] = [
            {"vi": line} for line in request.POST.get("items", "").splitlines()[:30] if line.strip()
        ]
    if action == "apologise":
        try:
            day = datetime.fromisoformat(request.POST.get("new_due_on", ""))
            kwargs["new_due_at"] = datetime.combine(day.date(), time(17, 0), tzinfo=VN_TZ)
        except ValueError:
            messages.error(request, _("Choose the new appointment date."))
            return redirect("desk:dossier", pk=pk)
    try:
        dossier = dossier_transition(actor=request.user, dossier=dossier, action=action, **kwargs)
    except MotcuaError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Done: %(action)s.") % {"action": action_label(action, english=_english())}
        )
    return redirect("desk:dossier", pk=pk)


@require_GET
def download(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """A paper of the dossier, only for those who may view it (never a public path)."""
    dossier = _dossier_or_404(request, pk)
    upload = DossierFile.objects.filter(pk=file_id, dossier=dossier).first()
    if upload is None:
        raise Http404(_("There is no such file."))
    response = FileResponse(
        upload.file.open("rb"),
        content_type=upload.content_type,
        as_attachment=True,
        filename=upload.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_GET
def slip(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    from motcua.dossiers.views import _pdf_response

    return _pdf_response(_dossier_or_404(request, pk), kind, request)


def register_period(start: str, end: str, *, on: date) -> tuple[date, date]:
    """The period of a register export: both dates inclusive, at most a year; this month by default."""
    bad_date = ValidationError(
        "Ngày không hợp lệ: hãy chọn ngày theo dạng ngày/tháng/năm.",
        "That is not a valid date: choose a day as day/month/year.",
        code="register_period",
        field="tu",
    )

    def parse(value: str, default: date) -> date:
        value = value.strip()[:20]
        if not value:
            return default
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                day = datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a calendar day, no time
            except ValueError:
                continue
            if 2000 <= day.year <= 2100:
                return day
        raise bad_date

    first = parse(start, on.replace(day=1))
    last = parse(end, on)
    if first > last:
        raise ValidationError(
            "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.",
            "The first day must be on or before the last day.",
            code="register_period",
            field="tu",
        )
    try:
        year_later = first.replace(year=first.year + 1)
    except ValueError:  # 29 February
        year_later = date(first.year + 1, 3, 1)
    if last >= year_later:
        raise ValidationError(
            "Mỗi lần chỉ xuất sổ theo dõi tối đa một năm.",
            "The register can be exported for at most one year at a time.",
            code="register_period",
            field="den",
        )
    return first, last


@never_cache
@require_GET
def register(request: HttpRequest, fmt: str = "csv") -> HttpResponse:
    """Form 07: the dossiers received by the official's agencies in a period, as CSV or XLSX."""
    from motcua.dossiers.selectors import register_agency_names, register_rows
    from motcua.dossiers.slips import register_csv, register_xlsx

    try:
        start, end = register_period(request.GET.get("tu", ""), request.GET.get("den", ""), on=today())
    except ValidationError as error:
        messages.error(request, str(error))
        kept = {key: request.GET.get(key, "")[:20] for key in ("tu", "den")}
        return redirect(f"{reverse('desk:queue')}?{urlencode(kept)}#so-theo-doi")
    rows = register_rows(official=request.user, start=start, end=end, on=today(), limit=REGISTER_LIMIT + 1)
    if len(rows) > REGISTER_LIMIT:  # never a register silently cut short
        messages.error(
            request,
            _("More than %(limit)s dossiers were received in this period; choose a shorter one.")
            % {"limit": f"{REGISTER_LIMIT:,}".replace(",", ".")},
        )
        kept = {key: request.GET.get(key, "")[:20] for key in ("tu", "den")}
        return redirect(f"{reverse('desk:queue')}?{urlencode(kept)}#so-theo-doi")
    name = f"so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}"
    if fmt == "xlsx":
        agencies = register_agency_names(official=request.user, on=today())
        response = HttpResponse(
            register_xlsx(rows, agencies=agencies, start=start, end=end),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(register_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
