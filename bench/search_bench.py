"""Catalogue search latency over 2,000 generated procedure versions, against a naive scan.

Creates a throw-away database (SQLite by default; pass --database-url postgres://… for PostgreSQL),
writes 2,000 procedure files generated from the shipped ones, loads them with `catalogue_load`,
then times the same queries through `procedure_search` (the index the site uses, including its
freshness check) and through a naive baseline that reads every version and matches words on the
fly. Prints p50/p99 for both and their ratio, all measured in this one run.

    .venv/bin/python -m bench.search_bench [--versions 2000] [--queries 400] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

QUERIES = [
    "lam khai sinh",
    "giay xac nhan doc than",
    "xác nhận tình trạng hôn nhân",
    "dang ky tam tru",
    "chung thuc ban sao",
    "kahi sinh",
    "ket hon",
    "ho kinh doanh",
    "giay phep xay dung nha o",
    "ly lich tu phap",
    "khai tu",
    "thuong tru",
    "cap ban sao trich luc",
    "chung thuc chu ky",
    "bao hiem y te tre em",
    "doi bang lai",
    "so do",
    "tam vang",
    "thay doi ho tich",
    "tro cap mai tang",
]
FILLER = (
    "thành phố",
    "xã",
    "phường",
    "điều chỉnh",
    "bổ sung",
    "gia hạn",
    "cấp lại",
    "cấp đổi",
    "người nước ngoài",
    "doanh nghiệp",
    "hợp tác xã",
    "chi nhánh",
    "văn phòng đại diện",
    "an toàn",
    "môi trường",
    "thủy sản",
    "rừng",
    "khoáng sản",
    "giáo dục",
    "y tế",
    "dược",
    "văn hóa",
    "du lịch",
    "thể thao",
    "vận tải",
    "đường thủy",
)


def generate(root: Path, count: int, seed: int = 766) -> None:
    import yaml

    from motcua.catalogue.files import DEFAULT_ROOT

    rng = random.Random(seed)
    templates = [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((DEFAULT_ROOT / "procedures").rglob("*.yaml"))
    ]
    for i in range(count):
        data = dict(rng.choice(templates))
        extra = " ".join(rng.sample(FILLER, 2))
        data["code"] = f"9.{i:06d}"
        data["name"] = {"vi": f"{data['name']['vi']} {extra}", "en": f"{data['name']['en']} (variant {i})"}
        data.pop("groups", None)
        path = root / data["code"] / "v1.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def naive_search(query: str):
    """What a first implementation does: read every version, normalise on the fly, count words."""
    from motcua.catalogue.models import ProcedureVersion
    from motcua.catalogue.search import words

    wanted = set(words(query))
    scored = []
    for code, name, data in ProcedureVersion.objects.values_list("procedure__code", "name_vi", "data"):
        text = set(words(name + " " + " ".join(data.get("keywords", {}).get("vi", []))))
        hits = len(wanted & text)
        if hits:
            scored.append((hits, code))
    return sorted(scored, reverse=True)[:20]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    os.environ["MOTCUA_VAR_DIR"] = str(workdir)
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.db import connection

    from motcua.catalogue.selectors import procedure_search
    from motcua.catalogue.services import catalogue_load

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        generate(workdir / "catalogue", args.versions)
        started = time.perf_counter()
        report = catalogue_load(path=workdir / "catalogue")
        load_seconds = time.perf_counter() - started
        assert report.ok and len(report.loaded) == args.versions, report.errors[:3]
        procedure_search(query="khai sinh")  # build the index once, as the first search in a process does

        queries = [QUERIES[i % len(QUERIES)] for i in range(args.queries)]
        indexed, naive = [], []
        for query in queries:
            t0 = time.perf_counter()
            procedure_search(query=query)
            indexed.append((time.perf_counter() - t0) * 1000)
        for query in queries[: max(40, args.queries // 10)]:
            t0 = time.perf_counter()
            naive_search(query)
            naive.append((time.perf_counter() - t0) * 1000)
        print(f"database: {connection.vendor}; versions: {args.versions:,}; queries: {len(queries):,}")
        print(f"  load of {args.versions:,} files: {load_seconds:.1f} s")
        for label, samples in (("procedure_search", indexed), ("naive scan", naive)):
            p50, p99 = statistics.median(samples), percentile(samples, 99)
            print(f"  {label:<17} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")
        print(f"  ratio (p50): {statistics.median(naive) / statistics.median(indexed):.0f}x faster")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
