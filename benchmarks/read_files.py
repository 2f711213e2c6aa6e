"""Pages read per second from PDFs, on one core: text layer and scans.

The gold records of every seed are printed as PDFs (``tests/render_pdf.py``:
ruled tables over several pages) and rasterised into 200 dpi scans; the files
are made in a temporary folder first and read from memory.  Figures:

* text-layer PDFs through jixiao (reader + recognition), and through the
  reader alone;
* the same files through pdfplumber's own ``extract_tables`` (text of every
  ruled table, no records), for comparison;
* scans through jixiao (OCR with RapidOCR on one ONNX Runtime thread), per
  wall-clock second and per CPU second of this process (the latter is the
  fairer figure when other processes share the core).

    .venv/bin/python benchmarks/read_files.py [--rounds 5] [--scan-rounds 1]

Targets: text layer ≥ 20 pages/s, scans ≥ 0.5 pages/s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "gold"


def one_core() -> None:
    """Pin this process (and ONNX Runtime) to a single core."""
    os.environ["JIXIAO_OCR_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})


def page_count(data: bytes) -> int:
    import pypdfium2 as pdfium  # type: ignore[import-untyped, unused-ignore]

    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def rate(label: str, pages: int, seconds: float) -> float:
    per_second = pages / seconds
    print(f"{label:<44} {pages:5d} pages in {seconds:7.2f} s: {per_second:8.2f} pages/s")
    return per_second


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5, help="passes over the text-layer PDFs")
    ap.add_argument("--scan-rounds", type=int, default=1, help="passes over the scans")
    args = ap.parse_args()
    one_core()
    sys.path.insert(0, str(ROOT / "tests"))
    from jixiao.api import recognize_sheets
    from jixiao.readers import read_bytes
    from jixiao.readers.ocr import _engine
    from render_pdf import gold_to_pdf, pdf_to_scan

    golds = sorted(GOLD.glob("*.json"))
    if not golds:
        raise SystemExit(f"no gold records in {GOLD}")
    with tempfile.TemporaryDirectory() as tmp:
        pdfs: list[tuple[str, bytes]] = []
        scans: list[tuple[str, bytes]] = []
        for gold in golds:
            records = json.loads(gold.read_text(encoding="utf-8"))
            pdf = gold_to_pdf(records, Path(tmp) / f"{gold.stem}.pdf")
            scan = pdf_to_scan(pdf, Path(tmp) / f"{gold.stem}.scan.pdf", seed=7)
            pdfs.append((pdf.name, pdf.read_bytes()))
            scans.append((scan.name, scan.read_bytes()))
    text_pages = sum(page_count(d) for _, d in pdfs)
    scan_pages = sum(page_count(d) for _, d in scans)
    print(f"{len(pdfs)} files: {text_pages} text-layer pages, {scan_pages} scanned pages\n")

    start = time.perf_counter()
    for _ in range(args.rounds):
        for name, data in pdfs:
            recognize_sheets(read_bytes(data, name))
    jixiao_rate = rate(
        "text layer, jixiao (read + recognise)",
        text_pages * args.rounds,
        time.perf_counter() - start,
    )
    start = time.perf_counter()
    for _ in range(args.rounds):
        for name, data in pdfs:
            read_bytes(data, name)
    rate("text layer, jixiao reader only", text_pages * args.rounds, time.perf_counter() - start)

    try:
        import io

        import pdfplumber
    except ImportError:
        print("text layer, pdfplumber extract_tables: pdfplumber not installed")
        plumber_rate = None
    else:
        start = time.perf_counter()
        for _ in range(args.rounds):
            for _, data in pdfs:
                with pdfplumber.open(io.BytesIO(data)) as doc:
                    for page in doc.pages:
                        page.extract_tables()
        plumber_rate = rate(
            "text layer, pdfplumber extract_tables",
            text_pages * args.rounds,
            time.perf_counter() - start,
        )

    _engine()  # model loading is start-up, not reading
    start = time.perf_counter()
    cpu_start = time.process_time()
    for _ in range(args.scan_rounds):
        for name, data in scans:
            recognize_sheets(read_bytes(data, name))
    cpu_seconds = time.process_time() - cpu_start
    scan_rate = rate(
        "scans 200 dpi, jixiao (OCR + recognise)",
        scan_pages * args.scan_rounds,
        time.perf_counter() - start,
    )
    # CPU time of this process: unlike the wall clock, not slowed down by other
    # processes sharing the core
    scan_cpu_rate = rate(
        "scans 200 dpi, jixiao, per CPU second",
        scan_pages * args.scan_rounds,
        cpu_seconds,
    )
    print()
    print(f"text layer: {jixiao_rate:.1f} pages/s (target 20)", end="")
    if plumber_rate:
        print(f"; {jixiao_rate / plumber_rate:.1f}× pdfplumber extract_tables", end="")
    print(f"\nscans: {scan_rate:.2f} pages/s, {scan_cpu_rate:.2f} per CPU second (target 0.5)")


if __name__ == "__main__":
    main()
