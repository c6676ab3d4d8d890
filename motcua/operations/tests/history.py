"""Driving dossiers through the real services on a controlled clock, for the operations tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from motcua.core.time import VN_TZ
from motcua.dossiers.services import dossier_receive_at_counter, dossier_submit_online, dossier_transition

# What the results app passes when it has signed the electronic result.
E_RESULT = {"result": {"code": "KQTEST000001", "number": "1/2026", "sha256": "0" * 64}}


class Clock:
    """``services.now`` replaced: the tests say what time it is."""

    def __init__(self, monkeypatch: Any, start: datetime) -> None:
        import motcua.dossiers.services as services

        self.at = start
        monkeypatch.setattr(services, "now", lambda: self.at)

    def set(self, *args: int) -> None:
        self.at = datetime(*args, tzinfo=VN_TZ)

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def form_data(world: dict) -> dict[str, Any]:
    sample = {"date": "1990-05-12", "personal_id": "079090123456", "checkbox": True, "integer": 1}
    sample |= {"phone": "0912345678", "email": "an@example.vn", "country": "VN"}
    data = {}
    for section in world["version"].data["form"]["sections"]:
        for f in section["fields"]:
            if f.get("required"):
                data[f["key"]] = (
                    f["options"][0]["value"] if f.get("options") else sample.get(f["type"], "Nội dung")
                )
    return data


def submit(world: dict, key: str) -> Any:
    return dossier_submit_online(
        applicant=world["citizen"],
        version=world["version"],
        case_key="standard",
        data=form_data(world),
        documents={},
        unit=world["unit"],
        submission_key=key,
    )


def at_counter(world: dict, key: str) -> Any:
    return dossier_receive_at_counter(
        official=world["officials"]["receiver"],
        agency=world["centre"],
        version=world["version"],
        case_key="standard",
        applicant_name="Trần Thị Bình",
        applicant_personal_id="079190000001",
        data=form_data(world),
        documents={},
        unit=world["unit"],
        submission_key=key,
    )


def do(world: dict, dossier: Any, action: str, role: str = "receiver", **kwargs: Any) -> Any:
    return dossier_transition(actor=world["officials"][role], dossier=dossier, action=action, **kwargs)


def supplement(world: dict, dossier: Any) -> Any:
    dossier = do(world, dossier, "request_supplement", items=[{"vi": "Bản sao giấy tờ còn thiếu"}])
    return do(world, dossier, "supplement_at_counter")


def resolve(world: dict, dossier: Any, *, grant: bool = True) -> Any:
    """Hand over, approve (or refuse) and sign: the dossier is resolved when it is signed."""
    if dossier.status == 2:
        dossier = do(world, dossier, "hand_over", to_person=world["officials"]["processor"])
    if grant:
        dossier = do(world, dossier, "approve", role="head")
        return do(world, dossier, "sign", role="signer", data=E_RESULT)
    dossier = do(world, dossier, "refuse_after_processing", role="head", note="Không đủ điều kiện")
    return do(world, dossier, "sign", role="signer")
