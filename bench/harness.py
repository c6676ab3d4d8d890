"""What the load benchmarks share: a throw-away database, `motcua serve` on loopback, the open-model
load generator, signed-in sessions, and the server's CPU time and memory read from /proc (Linux).

Nothing here asserts a figure: the scripts print what one run measured, beside a baseline run in
the same process.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_SECRET_KEY = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _processes_of(pid: int) -> Iterator[tuple[int, list[str]]]:
    """(pid, fields of /proc/<pid>/stat after the command name) of ``pid`` and its children."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            yield int(entry.name), fields


def server_cpu_seconds(pid: int) -> float:
    """CPU time of the gunicorn master and its workers."""
    tick = os.sysconf("SC_CLK_TCK")
    return sum((int(f[11]) + int(f[12])) / tick for _, f in _processes_of(pid))


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy (every core, every process), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def worker_rss_mb(pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MiB, by worker pid."""
    sizes = []
    for child, _ in sorted(_processes_of(pid)):
        if child == pid:
            continue
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
        sizes.append(int(line.split()[1]) / 1024)
    return sizes


def open_model(
    send: Callable[[int], bool], *, rate: float, duration: float, pool: ThreadPoolExecutor
) -> dict:
    """Fire ``send(i)`` at ``rate`` per second for ``duration`` s; latency from the scheduled time, so
    a slow server cannot slow the clients down and hide its queue (no coordinated omission)."""
    count = int(rate * duration)
    start = time.perf_counter() + 0.2
    latencies: list[float] = []
    errors = [0]
    failures: list[str] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        try:
            ok = send(i)
        except Exception as error:  # a reset or refused connection is the server's answer too
            ok = False
            failures.append(f"{type(error).__name__}: {error}"[:200])
        elapsed = (time.perf_counter() - scheduled) * 1000
        with lock:
            latencies.append(elapsed)
            if not ok:
                errors[0] += 1

    futures = [pool.submit(one, i) for i in range(count)]
    for future in futures:
        future.result()
    took = time.perf_counter() - start
    return {
        "rate": rate,
        "done": len(latencies) - errors[0],
        "errors": errors[0],
        "throughput": (len(latencies) - errors[0]) / took,
        "p50": percentile(latencies, 50),
        "p90": percentile(latencies, 90),
        "p99": percentile(latencies, 99),
        "failures": failures[:1],
    }


def measure_rate(
    send: Callable[[int], bool], *, rate: float, duration: float, pool: ThreadPoolExecutor, server_pid: int
) -> dict:
    """``open_model`` plus where the CPU went: the server's CPU-ms per request, the load generator's
    (it shares the cores), and how many cores the rest of the machine kept busy meanwhile
    (PostgreSQL, and whatever else runs on this machine: figures from a busy machine read as such)."""
    server, client, machine = server_cpu_seconds(server_pid), time.process_time(), machine_busy_seconds()
    started = time.perf_counter()
    outcome = open_model(send, rate=rate, duration=duration, pool=pool)
    took = time.perf_counter() - started
    server = server_cpu_seconds(server_pid) - server
    client = time.process_time() - client
    done = max(1, outcome["done"])
    outcome["cpu_ms"] = server * 1000 / done
    outcome["client_cpu_ms"] = client * 1000 / done
    outcome["other_cores"] = (machine_busy_seconds() - machine - server - client) / took
    return outcome


@dataclass
class Bench:
    """A throw-away PostgreSQL database and working directory, with the environment that points
    Django (in this process and in the server) at them."""

    name: str
    database_url: str
    workdir: Path
    env: dict[str, str]


@contextmanager
def throwaway_database(server_url: str, *, prefix: str = "motcua_bench") -> Iterator[Bench]:
    """Create a database on ``server_url``, set Django up on it, and drop it (and the files) after."""
    import psycopg

    name = f"{prefix}_{secrets.token_hex(3)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database_url = with_database(server_url, name)
    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MOTCUA_VAR_DIR": str(workdir),
        "SECRET_KEY": BENCH_SECRET_KEY,
        "STATIC_MANIFEST": "false",
        "SECURE_COOKIES": "false",
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
    }
    os.environ.update(env)
    try:
        import django

        django.setup()
        yield Bench(name=name, database_url=database_url, workdir=workdir, env=env)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)


def free_port() -> int:
    """A loopback port nobody listens on now (another bench may be running on this machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until_up(base: str, *, path: str = "/healthz") -> None:
    import requests

    for _ in range(150):
        try:
            if requests.get(f"{base}{path}", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server at {base} did not come up")


@contextmanager
def gunicorn(argv: list[str], *, env: dict[str, str], base: str, path: str = "/healthz") -> Iterator[Any]:
    """Run a server process until the block ends; wait for ``path`` to answer first."""
    port = int(base.rsplit(":", 1)[1])
    if _listening(port):  # measuring someone else's server would be worse than stopping
        raise RuntimeError(f"port {port} is taken; choose another with --port")
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(base, path=path)
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        yield server
    finally:
        server.terminate()
        server.wait(timeout=20)


def motcua_serve(bench: Bench, *, port: int, workers: int, threads: int) -> Any:
    """`motcua serve` (gunicorn, gthread workers) on 127.0.0.1:``port``, as production runs it."""
    argv = [sys.executable, "-m", "motcua.cli", "serve", "--bind", f"127.0.0.1:{port}"]
    argv += ["--workers", str(workers), "--threads", str(threads)]
    env = {**bench.env, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    return gunicorn(argv, env=env, base=f"http://127.0.0.1:{port}")


def session_for(user: Any, *, device: Any = None) -> str:
    """A session row for ``user``, as after sign-in; with ``device``, one that also passed the
    back office's second factor (the session django-otp leaves after a TOTP code)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    if device is not None:
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store["backoffice_last_seen"] = time.time()
    store.save()
    return str(store.session_key)


def thread_local_client() -> Callable[[], Any]:
    """One keep-alive ``requests.Session`` per load-generator thread. It keeps no cookie the server
    sets: each request says who it is, and a ``messages`` cookie echoed to the next citizen on the
    same thread would grow and move into the session (a database write the scenario does not have).
    A GET on a kept-alive connection the server closed meanwhile is sent again once, as browsers do;
    a POST never is."""
    from http.cookiejar import DefaultCookiePolicy

    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    again = Retry(total=1, connect=1, read=1, status=0, redirect=0, allowed_methods=frozenset({"GET"}))

    local = threading.local()

    def client() -> requests.Session:
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.request = functools.partial(local.session.request, timeout=60)  # type: ignore[method-assign]
            local.session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
            local.session.mount("http://", HTTPAdapter(max_retries=again))
        return local.session

    return client


def report_line(label: str, o: dict) -> str:
    line = (
        f"{label:14s} rate {o['rate']:6.0f}/s → {o['throughput']:7.1f}/s ok, {o['errors']} errors, "
        f"p50 {o['p50']:7.1f} ms, p90 {o['p90']:7.1f} ms, p99 {o['p99']:7.1f} ms, "
        f"{o['cpu_ms']:.1f} CPU-ms per request"
    )
    if "client_cpu_ms" in o:
        line += f" (+{o['client_cpu_ms']:.1f} in the client; the rest of the machine"
        line += f" kept {o['other_cores']:.1f} cores busy)"
    if o.get("failures"):
        line += f"; e.g. {o['failures'][0]}"
    return line


def best_within(rows: list[dict], target_ms: float) -> dict | None:
    """The highest throughput among the rates whose p99 stayed within ``target_ms`` without errors."""
    good = [r for r in rows if r["p99"] <= target_ms and r["errors"] == 0]
    return max(good, key=lambda r: r["throughput"]) if good else None


# The baseline of the dossier benches: a dossier row and its event, inserted by hand.
RAW_DOSSIER = """
INSERT INTO dossiers_dossier (
    reference, procedure_version_id, procedure_code, case_key, channel, applicant_enterprise_code,
    applicant_name, applicant_personal_id, applicant_phone, competent_agency_id, current_agency_id,
    receiving_agency_id, status, stage, step_key, data, provenance, paused_hours,
    supplement_requests, counts_as_late, outcome, submission_key, e_result_code, created_at, updated_at
) VALUES (
    %s, %s, '1.004873', 'standard', 2, '', 'A', '079090123456', '', %s, %s, %s, 1, '', '', %s,
    '{}', 0, 0, false, '', '', '', now(), now()
) RETURNING id
"""
RAW_EVENT = """
INSERT INTO dossiers_dossierevent
    (dossier_id, action, to_status, from_stage, to_stage, step_key, at, note, payload)
VALUES (%s, 'submit', 1, '', '', '', now(), '', '{}')
"""


def bench_world(officials: tuple[str, ...], *, prefix: str) -> tuple[Any, dict[str, Any], Any]:
    """Migrate, load the places and the catalogue, and give Phường Bến Thành's centre an official in
    each role of ``officials``: (the centre, {role: user}, the certificate of marital status)."""
    from datetime import date

    from django.core.management import call_command

    from motcua.accounts.models import User
    from motcua.accounts.services import membership_grant, roles_ensure_defaults
    from motcua.catalogue.selectors import procedure_version_in_force
    from motcua.catalogue.services import catalogue_load
    from motcua.places.models import Agency
    from motcua.places.services import places_load

    call_command("migrate", verbosity=0)
    places_load()
    catalogue_load()
    roles_ensure_defaults()
    centre = Agency.objects.get(kind="commune_centre", unit__name="Phường Bến Thành")
    people = {}
    for role in officials:
        people[role] = User.objects.create_user(username=f"{prefix}.{role}")
        membership_grant(
            actor=None, user=people[role], agency=centre, role_key=role, valid_from=date(2025, 7, 1)
        )
    return centre, people, procedure_version_in_force(code="1.004873")


def form_data(version) -> dict[str, object]:
    """Every required field of ``version``, typed plausibly (as the application page sends them)."""
    from motcua.dossiers.demo import sample_form_data

    return sample_form_data(version)
