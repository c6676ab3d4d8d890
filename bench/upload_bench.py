"""A citizen uploads a 1 MB scanned PDF to their application: uploads per second and server memory.

Scenario (b) of issue 6. The open-model load generator of bench.harness posts a ~1 MB two-page
scan (JPEG pages in a PDF, as scanners and phones make them) to the application page's upload
action — `POST /tai-khoan/nop/<code>` with `action=upload`, the path a browser takes — against
`motcua serve` on a throw-away PostgreSQL database. Each upload goes to a different citizen's draft
and document, so the per-document limit of 5 files is never what answers. An upload counts as done
only when the server says so (the success message in the response's `messages` cookie) and the
stored files in the database match the count at the end of each rate.

Memory: the resident size of every gunicorn worker before the first rate, after each rate and at
the end ("flat" means the growth stops after the first rate instead of rising with each upload).

Baseline, in the same run: a bare WSGI endpoint under the same gunicorn settings that reads the
same request body and writes it to a file — the price of moving 1 MB through HTTP and onto disk.

    .venv/bin/python -m bench.upload_bench --database-url postgres://postgres@127.0.0.1:5432/postgres \\
        [--workers 3] [--threads 4] [--duration 5] [--rates 50,100,150,200]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.harness import (
    best_within,
    free_port,
    gunicorn,
    measure_rate,
    motcua_serve,
    open_model,
    report_line,
    session_for,
    thread_local_client,
    throwaway_database,
    worker_rss_mb,
)

TARGET_P99_MS = 500.0
PROCEDURE = "1.004873"
FILES_PER_DOCUMENT = 5  # motcua.dossiers.drafts.MAX_FILES_PER_DOCUMENT


def scan_pdf(*, target_bytes: int = 1_048_576, pages: int = 2, seed: int = 7) -> bytes:
    """A PDF of ``pages`` greyscale A4 pages at 150 dpi, JPEG-compressed to just under ``target_bytes``:
    noise enlarged 4×, which compresses like paper under a scanner rather than like a blank page."""
    from PIL import Image

    rng = random.Random(seed)
    width, height = 1240, 1754
    images = [
        Image.frombytes("L", (width // 4, height // 4), rng.randbytes(width * height // 16)).resize(
            (width, height)
        )
        for _ in range(pages)
    ]
    for quality in range(95, 5, -5):
        out = io.BytesIO()
        images[0].save(out, "PDF", save_all=True, append_images=images[1:], quality=quality, resolution=150)
        if out.tell() <= target_bytes:
            return out.getvalue()
    raise RuntimeError("could not make a scan small enough")


def multipart(fields: dict[str, str], *, filename: str, content: bytes) -> tuple[bytes, str]:
    """The body a browser sends for the upload form, built once (the client must stay cheap)."""
    boundary = f"----motcuabench{secrets.token_hex(8)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def bare_upload_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """The baseline: read the whole body and write it under a random name, then redirect."""
    if environ["PATH_INFO"] == "/healthz":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    target = os.path.join(os.environ["BENCH_UPLOAD_DIR"], secrets.token_urlsafe(24))
    with open(target, "wb") as out:
        while length > 0:
            chunk = stream.read(min(65536, length))
            if not chunk:
                break
            out.write(chunk)
            length -= len(chunk)
    start_response("302 Found", [("Location", environ["PATH_INFO"]), ("Content-Length", "0")])
    return [b""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", required=True, help="a PostgreSQL server URL (a database is created)"
    )
    parser.add_argument("--workers", type=int, default=3, help="as `motcua serve` on 2 cores")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per rate")
    parser.add_argument("--rates", default="50,100,150,200")
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    args = parser.parse_args()
    args.port = args.port or free_port()
    rates = [float(r) for r in args.rates.split(",")]
    with throwaway_database(args.database_url) as bench:
        run(bench, args, rates)


def run(bench: Any, args: argparse.Namespace, rates: list[float]) -> None:
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpRequest

    from motcua.accounts.models import User
    from motcua.catalogue.selectors import procedure_version_in_force
    from motcua.catalogue.services import catalogue_load
    from motcua.dossiers.drafts import draft_for
    from motcua.dossiers.models import DossierFile
    from motcua.places.services import places_load

    print(f"setting up {bench.name} …", flush=True)
    call_command("migrate", verbosity=0)
    places_load()
    catalogue_load()
    version = procedure_version_in_force(code=PROCEDURE)
    documents = [d["key"] for d in version.data["documents"]]
    warmup = 40
    uploads = int(sum(rates) * args.duration) + warmup
    slots = len(documents) * FILES_PER_DOCUMENT
    citizens = [
        User.objects.create_user(
            username=f"vneid-upload-{i}", oidc_subject=f"upload-{i}", personal_id=f"0792{i:08d}"
        )
        for i in range(uploads // slots + 1)
    ]
    for citizen in citizens:
        draft_for(applicant=citizen, version=version)  # the citizen opened the application page
    sessions = [session_for(c) for c in citizens]
    connection.close()

    pdf = scan_pdf()
    print(f"the scan: {len(pdf):,} bytes, 2 pages; {len(citizens)} citizens' drafts", flush=True)
    base = f"http://127.0.0.1:{args.port}"
    csrf = secrets.token_hex(16)  # the double-submit cookie and header agree
    bodies = {
        key: multipart({"action": "upload", "document": key}, filename="ban-quet.pdf", content=pdf)
        for key in documents
    }
    client = thread_local_client()
    pool = ThreadPoolExecutor(max_workers=96)
    counter = [0]
    lock = threading.Lock()
    decoder = CookieStorage(HttpRequest())

    def upload(_: int) -> bool:
        with lock:
            i = counter[0]
            counter[0] += 1
        # Upload i goes to citizen i mod n, document (i div n) mod 4: the same draft is hit only
        # n uploads apart, and never more than 5 times per document.
        body, content_type = bodies[documents[(i // len(citizens)) % len(documents)]]
        response = client().post(
            f"{base}/tai-khoan/nop/{PROCEDURE}",
            data=body,
            cookies={"csrftoken": csrf, "sessionid": sessions[i % len(citizens)]},
            headers={"X-CSRFToken": csrf, "Referer": base + "/", "Content-Type": content_type},
            allow_redirects=False,
        )
        if response.status_code != 302:
            return False
        said = decoder._decode(response.cookies.get("messages")) or []
        return any(m.level == constants.SUCCESS for m in said)

    bare_port = free_port()
    while bare_port == args.port:
        bare_port = free_port()
    bare_base = f"http://127.0.0.1:{bare_port}"

    def bare(_: int) -> bool:
        body, content_type = bodies[documents[0]]
        response = client().post(
            f"{bare_base}/tai-khoan/nop/{PROCEDURE}",
            data=body,
            headers={"Content-Type": content_type},
            allow_redirects=False,
        )
        return response.status_code == 302

    bare_dir = bench.workdir / "bare"
    bare_dir.mkdir()
    argv = [sys.executable, "-m", "gunicorn", "bench.upload_bench:bare_upload_app"]
    argv += ["--bind", f"127.0.0.1:{bare_port}", "--workers", str(args.workers)]
    argv += ["--worker-class", "gthread", "--threads", str(args.threads), "--log-level", "warning"]
    bare_env = {**bench.env, "BENCH_UPLOAD_DIR": str(bare_dir)}
    rows: dict[str, list[dict]] = {"upload": [], "bare upload": []}
    rss_start: dict[str, list[float]] = {}
    with (
        motcua_serve(bench, port=args.port, workers=args.workers, threads=args.threads) as ours,
        gunicorn(argv, env=bare_env, base=bare_base) as theirs,
    ):
        servers = {"upload": (upload, ours), "bare upload": (bare, theirs)}
        for label, (send, server) in servers.items():
            open_model(send, rate=20, duration=warmup / 20, pool=pool)  # imports, connections, caches
            rss_start[label] = worker_rss_mb(server.pid)
            print(f"{label}: workers' RSS after warm-up {_mb(rss_start[label])}", flush=True)
        # Each rate runs on motcua and then on the baseline, so both see the same machine.
        for rate in rates:
            for label, (send, server) in servers.items():
                stored_before = DossierFile.objects.count()
                outcome = measure_rate(
                    send, rate=rate, duration=args.duration, pool=pool, server_pid=server.pid
                )
                outcome["rss"] = worker_rss_mb(server.pid)
                line = report_line(label, outcome) + f"; RSS {_mb(outcome['rss'])}"
                if server is ours:
                    stored = DossierFile.objects.count() - stored_before
                    outcome["errors"] += abs(stored - outcome["done"])
                    line += f"; {stored} files stored"
                connection.close()
                print(line, flush=True)
                rows[label].append(outcome)
    pool.shutdown()
    stored_bytes = sum(f.stat().st_size for f in (bench.workdir / "media").rglob("*") if f.is_file())

    print()
    print(f"stored by motcua: {stored_bytes / 2**20:,.0f} MiB under media/ (removed with the database)")
    for label, name in (("upload", "motcua"), ("bare upload", "bare WSGI")):
        best = best_within(rows[label], TARGET_P99_MS)
        growth = ", ".join(
            f"{b - a:+.1f}" for a, b in zip(rss_start[label], rows[label][-1]["rss"], strict=False)
        )
        print(
            f"{name}: "
            + (
                f"{best['throughput']:.1f} uploads/s with p99 {best['p99']:.1f} ms ≤ {TARGET_P99_MS:.0f} ms"
                if best
                else f"no tried rate kept p99 ≤ {TARGET_P99_MS:.0f} ms"
            )
            + f"; workers' RSS from warm-up to the end {growth} MiB"
        )
    ours_best = best_within(rows["upload"], TARGET_P99_MS)
    theirs_best = best_within(rows["bare upload"], TARGET_P99_MS)
    if ours_best and theirs_best:
        share = ours_best["throughput"] / theirs_best["throughput"]
        print(f"ratio: motcua reaches {share:.0%} of the bare endpoint's rate within the target")
    for m, b in zip(rows["upload"], rows["bare upload"], strict=True):
        print(
            f"server CPU per upload at {m['rate']:.0f}/s: motcua {m['cpu_ms']:.1f} ms, "
            f"bare {b['cpu_ms']:.1f} ms ({m['cpu_ms'] / b['cpu_ms']:.1f}×)"
        )


def _mb(sizes: list[float]) -> str:
    return "[" + ", ".join(f"{s:.0f}" for s in sizes) + "] MiB"


if __name__ == "__main__":
    main()
