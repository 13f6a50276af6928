"""The LibreOffice pool with real offices: crashes, hangs, and the same bytes whatever the workers."""

from __future__ import annotations

import os
import signal
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE, needs_libreoffice

from pipeline.cli import main
from pipeline.convert import PoolConverter, check_pdf, finalize_pdf
from pipeline.render import Renderer, base_context, dossier_context, template_folder
from pipeline.run import prepare


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> list[Path]:
    """Eight real dossier documents of the sample year."""
    folder = tmp_path_factory.mktemp("docs")
    prepared = prepare(SAMPLE)
    renderer = Renderer(template_folder(prepared))
    base = base_context(prepared)
    out = []
    for i, p in enumerate(prepared.selection.proposals[:4]):
        ctx = dossier_context(prepared, p, base)
        for name in ("to_trinh", "bao_cao_thanh_tich"):
            path = folder / f"{i}_{name}.docx"
            renderer.render(name, ctx, path)
            out.append(path)
    return out


def convert_all(pool: PoolConverter, docs: list[Path], outdir: Path):
    outdir.mkdir(exist_ok=True)
    for d in docs:
        pool.submit(d, outdir / (d.stem + ".pdf"))
    try:
        return pool.finish()
    finally:
        pool.close()


def test_killed_worker_is_replaced_and_document_retried(docs, tmp_path):
    needs_libreoffice()
    killed = threading.Event()
    once = threading.Lock()
    pool: PoolConverter

    def kill_once(_: Path) -> None:
        # After the first document, kill a worker's whole process group (its office included).
        # Both worker threads report progress: the lock makes it exactly one kill.
        with once:
            if killed.is_set():
                return
            killed.set()
            worker = pool.workers[0]
            if worker.proc is not None:
                os.killpg(worker.proc.pid, signal.SIGKILL)

    pool = PoolConverter(2, timeout=60, progress=kill_once)
    failures = convert_all(pool, docs, tmp_path / "pdf")
    assert killed.is_set()
    assert failures == []
    assert all(check_pdf(tmp_path / "pdf" / (d.stem + ".pdf")) is None for d in docs)


def test_hanging_document_fails_alone(docs, tmp_path, monkeypatch):
    needs_libreoffice()
    monkeypatch.setenv("DOSSIERS_FAULT_HANG", "1_bao_cao")
    pool = PoolConverter(2, timeout=5)
    failures = convert_all(pool, docs, tmp_path / "pdf")
    assert [f.source.name for f in failures] == ["1_bao_cao_thanh_tich.docx"]
    assert "quá thời gian 5 giây" in failures[0].reason
    done = [d for d in docs if d.name != "1_bao_cao_thanh_tich.docx"]
    assert all(check_pdf(tmp_path / "pdf" / (d.stem + ".pdf")) is None for d in done)


def test_hang_in_build_exits_3_and_keeps_previous_output(tmp_path, monkeypatch):
    needs_libreoffice()
    out = tmp_path / "out"
    runner = CliRunner(mix_stderr=False)
    assert runner.invoke(main, ["build", "--input", str(SAMPLE), "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "2023").iterdir()}
    monkeypatch.setenv("DOSSIERS_FAULT_HANG", "d0003_bao_cao")
    import shutil

    shutil.rmtree(out / ".cache")
    result = runner.invoke(main, ["build", "--input", str(SAMPLE), "--out", str(out), "--timeout", "5"])
    assert result.exit_code == 3
    assert "d0003_bao_cao.docx: quá thời gian 5 giây" in result.stderr
    assert {p.name: p.read_bytes() for p in (out / "2023").iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == [".cache", "2023"]


def test_same_bytes_whatever_the_workers_or_backend(tmp_path):
    needs_libreoffice()
    runner = CliRunner(mix_stderr=False)
    results = []
    for name, options in (("1", ["--workers", "1"]), ("3", ["--workers", "3"]), ("unoconv", ["--converter", "unoconv"])):
        out = tmp_path / name
        result = runner.invoke(main, ["build", "--input", str(SAMPLE), "--out", str(out), *options])
        assert result.exit_code == 0, result.stderr
        results.append({p.name: p.read_bytes() for p in sorted((out / "2023").glob("*.zip"))})
    assert results[0] == results[1] == results[2]
    with zipfile.ZipFile(tmp_path / "1" / "2023" / next(iter(results[0]))) as z:
        assert len(z.namelist()) == 6


def test_finalize_rejects_a_broken_pdf(tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot really\n")
    import datetime as dt

    assert finalize_pdf(bad, dt.date(2023, 9, 15)) is not None
