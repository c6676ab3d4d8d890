"""Reading and validating catalogue files: YAML in, checked documents or precise errors out.

Pure: no database. Every error names the file, the line and the path inside the document
("cases[1].documents[0]"), and says what is wrong, so the person who edits the file can fix it
without reading code. A file with any error is rejected whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_ROOT = PACKAGE_DIR
SCHEMA_DIR = PACKAGE_DIR / "schema"
HOURS_PER_DAY = 8

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class CatalogueError:
    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line else self.file
        return f"{location}: {self.where or '(top level)'}: {self.message}"


@dataclass
class SourceFile:
    kind: str  # "procedure" or "group"
    rel_path: str
    text: str
    data: dict[str, Any]
    lines: dict[PathKey, int] = field(repr=False)
    errors: list[CatalogueError] = field(default_factory=list)

    @property
    def code(self) -> str:
        return str(self.data.get("code", ""))

    @property
    def version(self) -> int:
        return int(self.data.get("version") or 0)

    @property
    def content_hash(self) -> str:
        """Hash of the parsed content: comments and layout may change, meaning may not."""
        canonical = json.dumps(self.data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def error(self, where: PathKey, message: str) -> None:
        self.errors.append(CatalogueError(self.rel_path, self._line(where), _format_path(where), message))

    def _line(self, where: PathKey) -> int | None:
        while where not in self.lines and where:
            where = where[:-1]
        return self.lines.get(where)


@dataclass
class Catalogue:
    procedures: list[SourceFile]
    groups: list[SourceFile]
    taxonomy: dict[str, dict[str, dict[str, str]]]

    @property
    def files(self) -> list[SourceFile]:
        return [*self.procedures, *self.groups]

    @property
    def errors(self) -> list[CatalogueError]:
        return [e for f in self.files for e in f.errors]

    @property
    def valid_procedures(self) -> list[SourceFile]:
        return [f for f in self.procedures if not f.errors]

    @property
    def valid_groups(self) -> list[SourceFile]:
        return [f for f in self.groups if not f.errors]


def _format_path(where: PathKey) -> str:
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@cache
def _validator(kind: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


@cache
def taxonomy() -> dict[str, dict[str, dict[str, str]]]:
    return yaml.safe_load((PACKAGE_DIR / "taxonomy.yaml").read_text(encoding="utf-8"))


def _line_map(
    node: yaml.Node, where: PathKey = (), out: dict[PathKey, int] | None = None
) -> dict[PathKey, int]:
    out = {} if out is None else out
    out.setdefault(where, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*where, key_node.value)
            out[child] = key_node.start_mark.line + 1
            _line_map(value_node, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*where, index), out)
    return out


def _plain(value: Any) -> Any:
    """YAML reads 2025-07-01 as a date; the schema and the database keep ISO strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Refuses a mapping that repeats a key (PyYAML would silently keep the last one)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice (first on line {seen[key]})", key_node.start_mark
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def read_file(path: Path, *, root: Path) -> SourceFile:
    rel = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        source = SourceFile("procedure", rel, "", {}, {})
        source.errors.append(
            CatalogueError(rel, None, "", f"not UTF-8 text (byte {exc.start}); save it as UTF-8")
        )
        return source
    try:
        loader = _UniqueKeyLoader(text)
        try:  # one parse: the node tree gives line numbers, the same tree gives the data
            node = loader.get_single_node()
            data = _plain(loader.construct_document(node)) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        source = SourceFile("procedure", rel, text, {}, {})
        source.errors.append(CatalogueError(rel, line, "", f"not valid YAML: {problem}"))
        return source
    if not isinstance(data, dict):
        source = SourceFile("procedure", rel, text, {}, {})
        source.errors.append(CatalogueError(rel, 1, "", "the file must hold one mapping (key: value pairs)"))
        return source
    kind = "group" if "members" in data else "procedure"
    source = SourceFile(kind, rel, text, data, _line_map(node) if node else {})
    _check_schema(source)
    if not source.errors:
        (_check_procedure if kind == "procedure" else _check_group_shape)(source)
    return source


def _check_schema(source: SourceFile) -> None:
    for err in sorted(_validator(source.kind).iter_errors(source.data), key=lambda e: list(e.absolute_path)):
        where: PathKey = tuple(err.absolute_path)
        message = err.message
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = set(err.schema.get("properties", {}))
            for extra in sorted(set(err.instance) - allowed):
                source.error((*where, extra), f"unknown field {extra!r}")
            continue
        if err.validator == "required":
            message = f"missing required field: {err.message.split(' is a required')[0]}"
        source.error(where, message)


def _duplicates(items: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    return {i for i in items if i in seen or seen.add(i)}  # type: ignore[func-returns-value]


def _check_procedure(source: SourceFile) -> None:
    """Rules the schema cannot express: references between parts of one procedure."""
    d = source.data
    tax = taxonomy()
    if d["sector"] not in tax["sectors"]:
        source.error(("sector",), f"unknown sector {d['sector']!r}; sectors are listed in taxonomy.yaml")
    for i, event in enumerate(d.get("life_events", [])):
        if event not in tax["life_events"]:
            source.error(("life_events", i), f"unknown life event {event!r}; see taxonomy.yaml")
    if d.get("effective_to") and d["effective_to"] < d["effective_from"]:
        source.error(("effective_to",), "effective_to is before effective_from")

    for part in ("cases", "documents", "fees", "steps"):
        for dup in _duplicates(item["key"] for item in d[part]):
            source.error((part,), f"the key {dup!r} is used twice")
    sections = d["form"]["sections"]
    for dup in _duplicates(s["key"] for s in sections):
        source.error(("form", "sections"), f"the section key {dup!r} is used twice")
    field_keys = [f["key"] for s in sections for f in s["fields"]]
    for dup in _duplicates(field_keys):
        source.error(("form", "sections"), f"the field key {dup!r} is used twice")

    documents = {doc["key"] for doc in d["documents"]}
    cases = {case["key"] for case in d["cases"]}
    for i, case in enumerate(d["cases"]):
        for j, key in enumerate(case.get("documents", [])):
            if key not in documents:
                source.error(("cases", i, "documents", j), f"no document with key {key!r}")
    for i, fee in enumerate(d["fees"]):
        for j, key in enumerate(fee.get("cases", [])):
            if key not in cases:
                source.error(("fees", i, "cases", j), f"no case with key {key!r}")
        if fee.get("per", "dossier") == "page" and not fee.get("tiers"):
            source.error(("fees", i), "a per-page fee needs tiers (amount by page range)")
    fields = set(field_keys)
    for key in d.get("prefill", {}):
        if key not in fields:
            source.error(("prefill", key), f"prefill for {key!r}, which is not a field of the form")
    filled = set(d.get("prefill", {}))
    for dup in _duplicates(r["key"] for r in d.get("related", [])):
        source.error(("related",), f"the key {dup!r} is used twice")
    for i, related in enumerate(d.get("related", [])):
        for part in ("personal_id_field", "date_of_birth_field"):
            if related.get(part) and related[part] not in fields:
                source.error(("related", i, part), f"{related[part]!r} is not a field of the form")
        for key in related["prefill"]:
            if key not in fields:
                source.error(("related", i, "prefill", key), f"prefill for {key!r}, which is not a field")
            elif key in filled:
                source.error(("related", i, "prefill", key), f"{key!r} is already filled by another mapping")
            filled.add(key)
    for s_index, section in enumerate(sections):
        conditions = [(("form", "sections", s_index, "show_if"), section.get("show_if"))]
        conditions += [
            (("form", "sections", s_index, "fields", f_index, "show_if"), f.get("show_if"))
            for f_index, f in enumerate(section["fields"])
        ]
        for where, condition in conditions:
            if condition and condition["field"] not in fields:
                source.error(
                    where, f"show_if refers to {condition['field']!r}, which is not a field of the form"
                )
            if condition and condition.get("case") and condition["case"] not in cases:
                source.error(where, f"show_if refers to case {condition['case']!r}, which does not exist")

    limits = [
        ("time_limit",),
        *[("cases", i, "time_limit") for i, c in enumerate(d["cases"]) if "time_limit" in c],
    ]
    budget = sum(step["budget_hours"] for step in d["steps"])
    for where in limits:
        limit = d[where[0]] if len(where) == 1 else d["cases"][where[1]]["time_limit"]
        hours = working_hours_of(limit)
        if hours is not None and budget > hours:
            source.error(
                where,
                f"the steps' budgets add up to {budget:g} working hours, more than this limit ({hours:g} h)",
            )
        if limit["unit"] == "same_day" and "cutoff" not in limit:
            source.error(where, 'a same-day time limit needs its cutoff time (e.g. "15:00")')


def working_hours_of(limit: dict[str, Any]) -> float | None:
    """A time limit in working hours (8 h a day); None for calendar days, which the calendar counts."""
    unit, amount = limit["unit"], limit["amount"]
    if unit == "working_days":
        return amount * HOURS_PER_DAY
    if unit == "working_hours":
        return amount
    if unit == "same_day":
        return HOURS_PER_DAY
    return None


def _check_group_shape(source: SourceFile) -> None:
    members = source.data["members"]
    codes = [m["procedure"] for m in members]
    for dup in _duplicates(codes):
        source.error(("members",), f"the procedure {dup} is listed twice")
    orders = {m["procedure"]: m["order"] for m in members}
    for i, member in enumerate(members):
        trigger = member.get("triggered_by")
        if trigger is None:
            continue
        if trigger not in orders:
            source.error(("members", i, "triggered_by"), f"{trigger} is not a member of this group")
        elif orders[trigger] >= member["order"]:
            source.error(("members", i, "triggered_by"), f"{trigger} must come before {member['procedure']}")


def check_references(
    catalogue: Catalogue, *, known_procedures: dict[str, dict[str, Any]], known_groups: set[str]
) -> None:
    """Checks across files: duplicates, group members and the fields their mapping names.

    ``known_procedures`` maps codes already loaded (from the database) to their latest definition.
    """
    seen: dict[tuple[str, int], str] = {}
    for source in catalogue.files:
        if source.errors:
            continue
        key = (source.kind + ":" + source.code, source.version)
        if key in seen:
            source.error(
                ("version",), f"{source.code} version {source.version} is already defined in {seen[key]}"
            )
        else:
            seen[key] = source.rel_path
    procedures = {**known_procedures, **{p.code: p.data for p in catalogue.valid_procedures}}
    groups = known_groups | {g.code for g in catalogue.valid_groups}
    for source in catalogue.valid_procedures:
        for i, code in enumerate(source.data.get("groups", [])):
            if code not in groups:
                source.error(("groups", i), f"no interconnected group {code} in the catalogue")
    for source in catalogue.valid_groups:
        first = min(source.data["members"], key=lambda m: m["order"])["procedure"]
        combined = _form_fields(procedures[first]) if first in procedures else set()
        for i, member in enumerate(source.data["members"]):
            definition = procedures.get(member["procedure"])
            if definition is None:
                source.error(
                    ("members", i, "procedure"), f"no procedure {member['procedure']} in the catalogue"
                )
                continue
            fields = _form_fields(definition)
            for target, origin in member.get("field_map", {}).items():
                where = ("members", i, "field_map", target)
                if target not in fields:
                    source.error(where, f"{member['procedure']} has no form field {target!r}")
                if not origin.startswith(("result.", "const:")) and combined and origin not in combined:
                    source.error(where, f"{origin!r} is not a field of the combined form ({first})")


def _form_fields(definition: dict[str, Any]) -> set[str]:
    return {f["key"] for section in definition["form"]["sections"] for f in section["fields"]}


def read_catalogue(path: Path | None = None) -> Catalogue:
    """Read every ``*.yaml`` under ``path`` (a folder or one file), except taxonomy.yaml."""
    path = (path or DEFAULT_ROOT).resolve()
    root = path if path.is_dir() else path.parent
    files = sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
    sources = [read_file(f, root=root) for f in files if f.name != "taxonomy.yaml"]
    return Catalogue(
        procedures=[s for s in sources if s.kind == "procedure"],
        groups=[s for s in sources if s.kind == "group"],
        taxonomy=taxonomy(),
    )
