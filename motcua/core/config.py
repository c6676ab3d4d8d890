"""Helpers used by ``motcua.settings``: no Django imports, so settings can load them first."""

import os
import secrets
from pathlib import Path


def ensure_secret_key(path: Path) -> str:
    """Return the secret key stored at ``path``, generating it on first run.

    The key is created outside git (``var/`` is ignored), readable by the owner only, and written
    atomically so two processes starting together agree on one key.
    """
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    try:
        os.link(tmp, path)  # fails if another process won the race; keep theirs
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


def sqlite_options() -> dict:
    """SQLite settings that survive concurrent requests (DESIGN.md, performance defaults).

    WAL lets readers run beside the writer; IMMEDIATE transactions take the write lock up front so
    a read-then-write request waits instead of failing with "database is locked"; the timeout is
    how long it waits (seconds).
    """
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
