"""Is a dossier complete? Every mandatory field (that applies to the case and the answers given)
and every mandatory paper, reported all at once (domain.md §3: "guide once")."""

from __future__ import annotations

from typing import Any

from motcua.core.errors import ValidationError


def _visible(spec: dict[str, Any], data: dict[str, Any], case_key: str) -> bool:
    condition = spec.get("show_if")
    if not condition:
        return True
    if condition.get("case") and condition["case"] != case_key:
        return False
    value = data.get(condition["field"])
    if "equals" in condition:
        return value == condition["equals"]
    if "in" in condition:
        return value in condition["in"]
    return True


def missing_items(
    definition: dict[str, Any], case_key: str, data: dict[str, Any], documents: dict[str, Any]
) -> list[dict[str, str]]:
    """Every mandatory field and document not given, each as {"key", "vi", "en"}: the applicant is
    told everything at once."""
    missing = []
    for section in definition["form"]["sections"]:
        if not _visible(section, data, case_key):
            continue
        for spec in section["fields"]:
            value = data.get(spec["key"])
            empty = value in (None, "", [], {}) or (spec["type"] == "checkbox" and value is not True)
            if spec.get("required") and _visible(spec, data, case_key) and empty:
                missing.append({"key": spec["key"], "vi": spec["label"]["vi"], "en": spec["label"]["en"]})
    case = next((c for c in definition["cases"] if c["key"] == case_key), None)
    needed = set(case.get("documents", [])) if case and "documents" in case else None
    for document in definition["documents"]:
        if needed is not None and document["key"] not in needed:
            continue
        if not document["mandatory"] or document["form"] == "electronic":
            continue  # the electronic form is the declaration itself
        if (document.get("replaceable_by") or {}).get("registry"):
            continue  # registry data makes the paper unnecessary
        if document["key"] not in documents:
            missing.append(
                {"key": document["key"], "vi": document["name"]["vi"], "en": document["name"]["en"]}
            )
    return missing


def check_complete(
    version: Any,
    case_key: str,
    data: dict[str, Any],
    documents: dict[str, Any],
    *,
    hint: tuple[str, str] = ("", ""),
) -> None:
    """The case exists and nothing mandatory is missing; otherwise everything missing, at once."""
    check_case(version, case_key)
    missing = missing_items(version.data, case_key, data, documents)
    if missing:
        raise ValidationError(
            " ".join(("Hồ sơ còn thiếu: " + "; ".join(m["vi"] for m in missing) + ".", hint[0])).strip(),
            " ".join(
                ("The dossier still lacks: " + "; ".join(m["en"] for m in missing) + ".", hint[1])
            ).strip(),
            code="incomplete",
            params={"missing": missing},
        )


def check_case(version: Any, case_key: str) -> None:
    if case_key not in {c["key"] for c in version.data["cases"]}:
        raise ValidationError(
            "Hãy chọn trường hợp của thủ tục.", "Choose the case of the procedure.", code="case", field="case"
        )
