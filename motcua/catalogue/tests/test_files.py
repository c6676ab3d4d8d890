"""Catalogue files: every mistake gets a precise error, and a file with one loads nothing."""

from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from motcua.catalogue.files import DEFAULT_ROOT
from motcua.catalogue.models import ProcedureVersion
from motcua.catalogue.services import catalogue_check, catalogue_load

pytestmark = pytest.mark.django_db

BIRTH = DEFAULT_ROOT / "procedures" / "1.001193" / "v1.yaml"


def birth_text() -> str:
    """The birth registration file under a code of its own, so the shipped one never interferes."""
    text = BIRTH.read_text(encoding="utf-8").replace('code: "1.001193"', 'code: "8.001193"')
    return text.replace('groups: ["2.000986"]\n', "")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors_for(tmp_path: Path) -> list[str]:
    return [str(e) for e in catalogue_check(path=tmp_path).errors]


def test_shipped_catalogue_is_valid():
    catalogue = catalogue_check()
    assert catalogue.errors == []
    assert len(catalogue.procedures) >= 1


def test_check_command_passes_on_the_shipped_files(capsys):
    call_command("catalogue", "check")
    assert "are valid" in capsys.readouterr().out


def test_wrong_type_names_the_line_and_path(tmp_path):
    text = birth_text().replace("boundary_free: true", "boundary_free: maybe")
    write(tmp_path, "p/v1.yaml", text)
    (error,) = errors_for(tmp_path)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("boundary_free:"))
    assert error.startswith(f"p/v1.yaml:{line}: boundary_free: ")
    assert "'maybe' is not of type 'boolean'" in error


def test_unknown_field_is_named(tmp_path):
    text = birth_text().replace("online_level: full", "online_level: full\nonline_levle: full")
    write(tmp_path, "p/v1.yaml", text)
    (error,) = errors_for(tmp_path)
    assert "online_levle: unknown field 'online_levle'" in error


def test_missing_required_key(tmp_path):
    text = "\n".join(row for row in birth_text().splitlines() if not row.startswith("competent_level:"))
    write(tmp_path, "p/v1.yaml", text)
    (error,) = errors_for(tmp_path)
    assert "missing required field: 'competent_level'" in error


def test_duplicate_code_and_version_across_files(tmp_path):
    write(tmp_path, "a/v1.yaml", birth_text())
    write(tmp_path, "b/v1.yaml", birth_text())
    (error,) = errors_for(tmp_path)
    assert error.startswith("b/v1.yaml:") and "8.001193 version 1 is already defined in a/v1.yaml" in error


def test_repeated_key_in_one_file(tmp_path):
    write(tmp_path, "p/v1.yaml", birth_text().replace("version: 1\n", "version: 1\nversion: 2\n"))
    (error,) = errors_for(tmp_path)
    assert "not valid YAML: key 'version' appears twice" in error


def test_broken_yaml_syntax(tmp_path):
    write(tmp_path, "p/v1.yaml", birth_text().replace("name:\n  vi:", "name:\n vi: [unclosed\n  vi:", 1))
    (error,) = errors_for(tmp_path)
    assert "not valid YAML" in error


@pytest.mark.parametrize(
    "change, message",
    [
        (
            (
                "documents: [declaration, birth_notice, marriage_certificate]\n",
                "documents: [declaration, birth_notise, marriage_certificate]\n",
            ),
            "no document with key 'birth_notise'",
        ),
        (("sector: civil_status", "sector: astrology"), "unknown sector 'astrology'"),
        (
            ("  applicant.email: population.email", "  applicant.fax: population.email"),
            "prefill for 'applicant.fax', which is not a field of the form",
        ),
        (
            (
                "show_if: {field: father.known, equals: true}",
                "show_if: {field: father.unknown, equals: true}",
            ),
            "show_if refers to 'father.unknown'",
        ),
        (("    budget_hours: 3", "    budget_hours: 30"), "more than this limit (8 h)"),
        (("cases: [late]", "cases: [very_late]"), "no case with key 'very_late'"),
    ],
)
def test_references_inside_a_procedure_are_checked(tmp_path, change, message):
    old, new = change
    assert old in birth_text()
    write(tmp_path, "p/v1.yaml", birth_text().replace(old, new, 1))
    assert any(message in e for e in errors_for(tmp_path)), errors_for(tmp_path)


def test_a_file_with_an_error_loads_nothing_but_the_others_load(tmp_path):
    good = birth_text()
    bad = (
        birth_text()
        .replace('code: "1.001193"', 'code: "1.999999"')
        .replace("online_level: full", "online_level: 3")
    )
    write(tmp_path, "good/v1.yaml", good)
    write(tmp_path, "bad/v1.yaml", bad)
    report = catalogue_load(path=tmp_path)
    assert report.loaded == ["8.001193 v1"]
    assert [e.file for e in report.errors] == ["bad/v1.yaml"]
    assert not ProcedureVersion.objects.filter(procedure__code="8.999999").exists()


def test_loading_twice_skips_unchanged_versions(tmp_path):
    write(tmp_path, "p/v1.yaml", birth_text())
    assert catalogue_load(path=tmp_path).loaded == ["8.001193 v1"]
    write(tmp_path, "p/v1.yaml", "# a comment changes nothing\n" + birth_text())
    report = catalogue_load(path=tmp_path)
    assert report.loaded == [] and report.unchanged == ["8.001193 v1"] and report.ok


def test_a_published_version_cannot_change(tmp_path):
    write(tmp_path, "p/v1.yaml", birth_text())
    catalogue_load(path=tmp_path)
    write(
        tmp_path, "p/v1.yaml", birth_text().replace("Đăng ký khai sinh\n", "Đăng ký khai sinh cho trẻ\n", 1)
    )
    report = catalogue_load(path=tmp_path)
    assert not report.ok
    assert "already published and cannot change; save the changes as version 2" in str(report.errors[0])
    assert ProcedureVersion.objects.get(procedure__code="8.001193").name_vi == "Đăng ký khai sinh"


def test_a_new_version_is_loaded_beside_the_old_one(tmp_path):
    write(tmp_path, "p/v1.yaml", birth_text())
    data = yaml.safe_load(birth_text())
    v2 = (
        birth_text()
        .replace("version: 1\n", "version: 2\n")
        .replace("effective_from: 2025-07-01", "effective_from: 2027-01-01")
    )
    write(tmp_path, "p/v2.yaml", v2)
    report = catalogue_load(path=tmp_path)
    assert sorted(report.loaded) == ["8.001193 v1", "8.001193 v2"]
    assert data["code"] == "8.001193"


def test_load_command_fails_loudly_on_errors(tmp_path):
    write(tmp_path, "p/v1.yaml", birth_text().replace("version: 1", "version: zero"))
    with pytest.raises(CommandError, match="rejected"):
        call_command("catalogue", "load", str(tmp_path))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("catalogue", "check", str(tmp_path / "nowhere"))


GROUP = DEFAULT_ROOT / "groups" / "2.000986" / "v1.yaml"


@pytest.mark.parametrize(
    "change, message",
    [
        (
            ('  - procedure: "1.002966"', '  - procedure: "1.777777"'),
            "no procedure 1.777777 in the catalogue",
        ),
        (
            ("      resident.sex: child.sex", "      resident.gender: child.sex"),
            "1.004194 has no form field 'resident.gender'",
        ),
        (
            ("      resident.sex: child.sex", "      resident.sex: child.gender"),
            "'child.gender' is not a field of the combined form",
        ),
        (
            ('    triggered_by: "1.001193"', '    triggered_by: "1.000656"'),
            "1.000656 is not a member of this group",
        ),
    ],
)
def test_group_references_are_checked(tmp_path, change, message, loaded_catalogue):
    old, new = change
    text = GROUP.read_text(encoding="utf-8")
    assert old in text
    write(tmp_path, "g/v1.yaml", text.replace(old, new, 1))
    errors = errors_for(tmp_path)
    assert any(message in e for e in errors), errors


def test_shipped_groups_name_their_members(loaded_catalogue):
    from motcua.catalogue.selectors import procedure_groups_of

    (group,) = procedure_groups_of(code="1.004194")
    assert group.group.code == "2.000986"
    assert [m["procedure"] for m in group.data["members"]] == ["1.001193", "1.004194", "1.002966"]
