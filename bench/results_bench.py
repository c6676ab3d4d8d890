"""Issuing and checking electronic results: what each step costs, as ratios in one run.

On a throw-away PostgreSQL database with Phường Bến Thành's centre, ``--n`` dossiers of the
certificate of marital status are brought to "waiting for signature" through the services; then,
per result, the script times

- the baseline: the receipt slip (form 01) rendered as PDF — the cheapest document the system makes;
- rendering the result's template (``documents.result_pdf``);
- the PAdES signature alone (``signing.pdf_sign``) with the agency's key;
- the whole issue (``services.result_sign``: number, render, sign, store, document store, the
  transition, audit), one transaction per result;
- verifying the signed file (``signing.pdf_verify``) and the public page's answer for an uploaded
  file (``selectors.result_verify`` with the content);
- one page of counter digitisation, with and without OCR (when tesseract is installed).

It prints the median and p95 of each in milliseconds and each median as a multiple of the baseline.

    .venv/bin/python -m bench.results_bench \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres [--n 40]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.harness import bench_world, form_data, percentile, throwaway_database


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def _line(label: str, samples: list[float], baseline: float) -> str:
    median = statistics.median(samples)
    return (
        f"{label:<44} median {median:8.1f} ms  p95 {percentile(samples, 95):8.1f} ms"
        f"  × baseline {median / baseline:6.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--n", type=int, default=40)
    args = parser.parse_args()
    with throwaway_database(args.database_url, prefix="motcua_results_bench"):
        _run(args.n)


def _run(n: int) -> None:
    from django.conf import settings

    from motcua.core.time import now
    from motcua.dossiers.services import dossier_receive_at_counter, dossier_transition
    from motcua.dossiers.slips import slip_pdf
    from motcua.results import signing
    from motcua.results.documents import result_pdf
    from motcua.results.selectors import result_verify
    from motcua.results.services import result_sign

    settings.SIGNING_DEMO_CA = True
    centre, people, version = bench_world(("receiver", "head", "signer"), prefix="rb")
    for user in people.values():
        user.is_verified = lambda: True  # as after the second factor
    dossiers = []
    for i in range(n):
        dossier = dossier_receive_at_counter(
            official=people["receiver"],
            agency=centre,
            version=version,
            case_key="standard",
            applicant_name=f"Nguyễn Văn Thử {i}",
            applicant_personal_id=f"0790901{i:05d}",
            data={**form_data(version), "applicant.personal_id": f"0790901{i:05d}"},
            documents={},
            unit=centre.unit,
            submission_key=f"bench-{i}",
        )
        dossier = dossier_transition(
            actor=people["receiver"], dossier=dossier, action="hand_over", to_person=people["head"]
        )
        dossiers.append(dossier_transition(actor=people["head"], dossier=dossier, action="approve"))
    agency = dossiers[0].competent_agency
    signer = signing.signer_for(agency)  # the certificate is made once, outside the timings
    times: dict[str, list[float]] = {k: [] for k in ("slip", "render", "sign", "issue", "verify", "page")}
    for dossier in dossiers:
        times["slip"].append(_timed(lambda d=dossier: slip_pdf(d, "receipt", lookup_url="http://x/"))[0])
        elapsed, unsigned = _timed(
            lambda d=dossier: result_pdf(
                dossier=d,
                number="00001/2026/XNHN",
                code="ABCDEFGHJKMN",
                verify_url="http://127.0.0.1:8000/verify/ABCDEFGHJKMN",
                issued_at=now(),
                signer_name="Trần Thị Bình",
                signer_title="CHỦ TỊCH",
            )
        )
        times["render"].append(elapsed)
        times["sign"].append(
            _timed(
                lambda u=unsigned: signing.pdf_sign(
                    u, signer=signer, signer_name="B", reason="r", location="l"
                )
            )[0]
        )
        elapsed, result = _timed(lambda d=dossier: result_sign(official=people["signer"], dossier=d))
        times["issue"].append(elapsed)
        with result.pdf.open("rb") as handle:
            content = handle.read()
        times["verify"].append(_timed(lambda c=content, r=result: result_verify(code=r.code, content=c))[0])
    baseline = statistics.median(times["slip"])
    print(f"{n} results of 1.004873 at {agency.name}, PostgreSQL")
    print(_line("baseline: receipt slip (form 01) as PDF", times["slip"], baseline))
    print(_line("render the result's template", times["render"], baseline))
    print(_line("PAdES signature (pyHanko, ECDSA P-256)", times["sign"], baseline))
    print(_line("issue: number+render+sign+store+transition", times["issue"], baseline))
    print(_line("verify an uploaded file (hash + signature)", times["verify"], baseline))
    _digitisation(baseline)


def _digitisation(baseline: float) -> None:
    from pathlib import Path

    import font_roboto
    from PIL import Image, ImageDraw, ImageFont

    from motcua.results.ocr import ocr_status, page_to_pdf

    font = ImageFont.truetype(str(Path(font_roboto.__file__).parent / "files" / "Roboto-Regular.ttf"), 34)
    page = Image.new("RGB", (1654, 2339), "white")  # A4 at 200 dpi
    draw = ImageDraw.Draw(page)
    for line in range(24):
        draw.text(
            (120, 140 + line * 80),
            f"Dòng {line + 1}: Cộng hòa xã hội chủ nghĩa Việt Nam — giấy tờ",
            font=font,
            fill="black",
        )
    buffer = io.BytesIO()
    page.save(buffer, format="JPEG", quality=85)
    image = Image.open(io.BytesIO(buffer.getvalue()))
    plain = [_timed(lambda: page_to_pdf(image, ocr=False))[0] for _ in range(5)]
    print(_line("digitise one dense A4 page, no OCR", plain, baseline))
    available, reason = ocr_status()
    if not available:
        print(f"OCR not measured: {reason}")
        return
    with_ocr = [_timed(lambda: page_to_pdf(image, ocr=True))[0] for _ in range(3)]
    print(_line("digitise one dense A4 page, OCR (vie)", with_ocr, baseline))


if __name__ == "__main__":
    main()
