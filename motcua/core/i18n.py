"""Compiling translations without GNU gettext, so a fresh machine needs only Python.

The .mo files are committed; a test checks they match their .po sources.
"""

from __future__ import annotations

from pathlib import Path

import polib


def po_files(root: Path) -> list[Path]:
    return sorted(root.glob("**/LC_MESSAGES/*.po"))


def compile_po(po_path: Path) -> bytes:
    """The .mo bytes for one .po file (fuzzy and untranslated entries are left out, as msgfmt does)."""
    po = polib.pofile(str(po_path))
    for entry in list(po):
        if entry.fuzzy or entry.obsolete:
            po.remove(entry)
    tmp = po_path.with_suffix(".mo.tmp")
    try:
        po.save_as_mofile(str(tmp))
        return tmp.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)
