"""Benchmark: `dossiers build` against what a user gets from LibreOffice by hand (``make bench``).

For each scale (1 = a district-sized year of about 250 documents) it writes a synthetic year,
then in one run times:
  - the whole pipeline, cold (no cache): reading, scoring, rendering, converting, zipping;
  - one warm bare ``soffice --convert-to pdf`` batch over the same distinct DOCX (from the zips);
  - one ``soffice`` process per file, on a sample, as the per-file baseline;
  - a second build with nothing changed (served from the cache).
and prints the ratios, documents per second and the peak memory of the build's process tree.

    python tools/bench.py --scales 1,4,10 [--rounds 3] [--workers N] [--keep]

Builds and batches alternate, so that a slow moment of the machine does not favour either;
each figure is the median of its rounds (one round at 10x).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import psutil
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
DOSSIERS = Path(sys.executable).parent / "dossiers"
COMMUNES_PER_SCALE = 60
SAMPLE_PER_FILE = 4


def write_year(folder: Path, scale: int) -> None:
    """A synthetic year: 60×scale communes, two teams per commune in each team sheet, no ties."""
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "input" / "2023" / "config.toml", folder / "config.toml")
    wb = Workbook()
    ws = wb.active
    ws.title = "Xa"
    ws.append(["DANH SÁCH XÃ (SỐ LIỆU GIẢ ĐỊNH ĐỂ ĐO HIỆU NĂNG)"])
    ws.append(["Xã", "Đơn vị", "1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3", "Kỷ luật", "Đề nghị tỉnh", "Phiếu đồng ý",
               "Địa chỉ", "Người đứng đầu", "Thành tích"])
    n = COMMUNES_PER_SCALE * scale
    for i in range(n):
        rate = 60 + (i * 37 % 4000) / 100  # distinct totals
        ws.append([f"Xã Số {i + 1}", None, rate, 90, 85, 80, 75, 70, round(65 + i / (n + 1), 4), None,
                   "x" if i == 0 else None, 6, f"Thôn {i % 7 + 1}, xã Số {i + 1}", f"Nguyễn Văn A{i}",
                   "Triển khai dịch vụ công trực tuyến toàn trình; số hóa hồ sơ một cửa."])
    for sheet in ("To_CNSCD", "To_DA06"):
        ws = wb.create_sheet(sheet)
        ws.append(["DANH SÁCH TỔ"])
        ws.append(["Tổ", "Thôn/TDP", "Xã", "Đề xuất", "Điểm", "Phiếu đồng ý", "Thành tích"])
        for i in range(n):
            for j in range(2):
                score = 50 + (i * 2 + j) * 40 / (2 * n)
                ws.append([f"Tổ {sheet[3:]} thôn {j + 1}", f"Thôn {j + 1}", f"Xã Số {i + 1}", None, round(score, 4), 6,
                           "Hướng dẫn người dân cài đặt VNeID và sử dụng dịch vụ công trực tuyến."])
    wb.save(folder / "ds.xlsx")


def run_measured(cmd: list[str]) -> tuple[float, int, subprocess.CompletedProcess[str]]:
    """Wall time and peak RSS (bytes) of a command and all its descendants."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
            except psutil.NoSuchProcess:
                break
            peak = max(peak, total)
            stop.wait(0.05)

    t = threading.Thread(target=sample)
    t.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    stop.set()
    t.join()
    return elapsed, peak, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def distinct_docx(year_dir: Path, target: Path) -> list[Path]:
    """The distinct DOCX of the year's zips, by content."""
    target.mkdir(parents=True)
    seen: set[str] = set()
    files = []
    for z in sorted(year_dir.glob("*.zip")):
        with zipfile.ZipFile(z) as archive:
            for name in archive.namelist():
                if name.endswith(".docx"):
                    data = archive.read(name)
                    digest = hashlib.sha256(data).hexdigest()
                    if digest not in seen:
                        seen.add(digest)
                        path = target / f"doc{len(files):05d}.docx"
                        path.write_bytes(data)
                        files.append(path)
    return files


BATCH_LIMIT = 240  # LibreOffice 7.4 silently stops after 247 files of one --convert-to call


def soffice_batch(files: list[Path], outdir: Path, profile: Path) -> float:
    """One warm ``soffice --convert-to pdf`` over the files: one call up to 240 files, else
    consecutive calls of 240 (a single call converts only the first 247 and exits 0)."""
    outdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i in range(0, len(files), BATCH_LIMIT):
        subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(outdir), *map(str, files[i:i + BATCH_LIMIT])], check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    made = len(list(outdir.glob("*.pdf")))
    if made < len(files):
        raise SystemExit(f"bare soffice batch made {made} PDFs of {len(files)}")
    return elapsed


def bench(scale: int, workers: int | None, work: Path, rounds: int) -> dict[str, float]:
    """Alternating cold builds and warm bare batches; medians of ``rounds`` each."""
    base = work / f"scale{scale}"
    shutil.rmtree(base, ignore_errors=True)
    write_year(base / "input", scale)
    out = base / "out"
    cmd = [str(DOSSIERS), "build", "--input", str(base / "input"), "--out", str(out)]
    if workers:
        cmd += ["--workers", str(workers)]
    builds, batches, peaks = [], [], []
    profile = base / "profile"
    docs: list[Path] = []
    for r in range(rounds):
        shutil.rmtree(out, ignore_errors=True)  # cold: no output, no cache
        t_build, peak, result = run_measured(cmd)
        if result.returncode != 0:
            raise SystemExit(f"build failed:\n{result.stderr}")
        builds.append(t_build)
        peaks.append(peak)
        if r == 0:
            docs = distinct_docx(out / "2023", base / "docx")
            soffice_batch(docs[:2], base / "warm", profile)  # a warm profile, as a user's second run has
        shutil.rmtree(base / "pdf", ignore_errors=True)
        batches.append(soffice_batch(docs, base / "pdf", profile))
    per_file = [soffice_batch([d], base / "single", profile) for d in docs[:SAMPLE_PER_FILE]]
    t_cached, _, result = run_measured(cmd)
    if result.returncode != 0:
        raise SystemExit(f"second build failed:\n{result.stderr}")
    return {"scale": scale, "docs": len(docs), "build": statistics.median(builds), "batch": statistics.median(batches),
            "per_file": statistics.median(per_file), "cached": t_cached, "peak_mb": max(peaks) / 2**20,
            "builds": builds, "batches": batches}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1", help="comma-separated sizes, 1 = about 250 documents")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=3, help="alternating build/batch pairs per scale (medians)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dossiers-bench-"))
    rows = []
    try:
        for scale in (int(s) for s in args.scales.split(",")):
            r = bench(scale, args.workers, work, args.rounds if scale < 10 else 1)
            rows.append(r)
            print(f"scale {scale}: {r['docs']} distinct DOCX; build {r['build']:.1f} s ({r['docs'] / r['build']:.1f} docs/s), "
                  f"bare soffice batch {r['batch']:.1f} s ({r['docs'] / r['batch']:.1f} docs/s), "
                  f"ratio build/batch {r['build'] / r['batch']:.2f}; per-file soffice {r['per_file']:.2f} s/doc "
                  f"(ratio build/per-file {r['build'] / (r['per_file'] * r['docs']):.2f}); "
                  f"unchanged rebuild {r['cached']:.1f} s; peak memory {r['peak_mb']:.0f} MB", flush=True)
            print("  rounds: build " + ", ".join(f"{t:.1f}" for t in r["builds"]) + " s; batch "
                  + ", ".join(f"{t:.1f}" for t in r["batches"]) + " s", flush=True)
        if len(rows) > 1:
            first = rows[0]
            for r in rows[1:]:
                print(f"growth {first['scale']}x -> {r['scale']}x: input x{r['docs'] / first['docs']:.1f}, "
                      f"time x{r['build'] / first['build']:.2f}")
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
