"""Faults and hostile files, injected for real (issue: reliability and safety)."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE, commune, needs_libreoffice, team
from openpyxl import Workbook, load_workbook

from pipeline.cli import main

DOSSIERS = Path(sys.executable).parent / "dossiers"


def run(*args: str):
    return CliRunner(mix_stderr=False).invoke(main, list(args))


def test_libreoffice_missing_exits_3_with_install_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run("build", "--input", str(SAMPLE), "--out", str(tmp_path / "out"))
    assert result.exit_code == 3
    assert "LibreOffice (soffice) không có trên máy: cài bằng: apt-get install -y libreoffice-writer-nogui" in result.stderr
    assert not (tmp_path / "out").exists()


def test_output_folder_unwritable(tmp_path):
    needs_libreoffice()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("build", "--input", str(SAMPLE), "--out", str(blocker / "out"))
    assert result.exit_code == 3
    assert "Lỗi ghi tệp trong" in result.stderr


def test_disk_full_keeps_previous_output(tmp_path):
    """A file-size limit makes writes fail as a full disk does (Python ignores SIGXFSZ)."""
    needs_libreoffice()
    import resource
    import shutil

    out = tmp_path / "out"
    assert run("build", "--input", str(SAMPLE), "--out", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "2023").iterdir()}
    shutil.rmtree(out / ".cache")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000))  # PDFs fit, dossier zips do not

    proc = subprocess.run([str(DOSSIERS), "build", "--input", str(SAMPLE), "--out", str(out)],
                          capture_output=True, text=True, preexec_fn=limit, timeout=300)
    assert proc.returncode == 3, proc.stderr
    assert "ổ đĩa đã đầy hoặc vượt giới hạn dung lượng" in proc.stderr
    assert {p.name: p.read_bytes() for p in (out / "2023").iterdir()} == before
    assert not list(out.glob(".2023.tmp-*"))


def test_second_run_on_the_same_year_refuses(tmp_path):
    needs_libreoffice()
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".2023.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run("build", "--input", str(SAMPLE), "--out", str(out))
    assert result.exit_code == 3
    assert "Đang có một lần chạy khác lập hồ sơ năm 2023" in result.stderr
    assert not (out / "2023").exists()


def test_sigterm_mid_run_leaves_nothing_and_next_run_completes(tmp_path):
    needs_libreoffice()
    out = tmp_path / "out"
    proc = subprocess.Popen([str(DOSSIERS), "build", "--input", str(SAMPLE), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(out.glob(".2023.tmp-*/_work/*.docx")) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Đã dừng theo yêu cầu" in err
    assert not (out / "2023").exists()
    assert not list(out.glob(".2023*"))
    result = run("build", "--input", str(SAMPLE), "--out", str(out))
    assert result.exit_code == 0
    assert len(list((out / "2023").glob("*.zip"))) == 16


@pytest.mark.parametrize("content, expected", [
    (b"Xa;1.1\nTan Dinh;90\n", "không phải tệp Excel .xlsx hợp lệ"),
    (b"%PDF-1.4\n1 0 obj\n", "không phải tệp Excel .xlsx hợp lệ"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "đã đặt mật khẩu"),
    (b"", "không phải tệp Excel .xlsx hợp lệ"),
])
def test_files_that_are_not_workbooks(year, content, expected):
    folder = year([commune("A")])
    (folder / "ds.xlsx").write_bytes(content)
    result = run("validate", "--input", str(folder))
    assert result.exit_code == 1
    assert expected in result.stderr


def test_truncated_workbook(year):
    folder = year([commune("A")])
    data = (folder / "ds.xlsx").read_bytes()
    (folder / "ds.xlsx").write_bytes(data[: len(data) // 2])
    result = run("validate", "--input", str(folder))
    assert result.exit_code == 1
    assert "ds.xlsx" in result.stderr and ("hỏng" in result.stderr or "không phải tệp Excel" in result.stderr)


def test_empty_workbook(year):
    folder = year([commune("A")])
    Workbook().save(folder / "ds.xlsx")
    result = run("validate", "--input", str(folder))
    assert result.exit_code == 1
    for sheet in ("Xa", "To_CNSCD", "To_DA06"):
        assert f"Thiếu sheet '{sheet}'" in result.stderr


def test_formula_without_cached_value_and_hidden_rows(year):
    folder = year([commune("A", rates=[99] * 7), commune("B"), commune("C", rates=[80] * 7)])
    wb = load_workbook(folder / "ds.xlsx")
    ws = wb["Xa"]
    ws["C4"] = "=B4*100"  # openpyxl writes formulas without a computed value
    ws.row_dimensions[5].hidden = True
    wb.save(folder / "ds.xlsx")
    result = run("validate", "--input", str(folder))
    assert result.exit_code == 1
    assert ("Sheet 'Xa', dòng 4, cột '1.1': ô có công thức '=B4*100' nhưng chưa có giá trị tính sẵn") in result.stderr
    ws["C4"] = 90
    wb.save(folder / "ds.xlsx")
    result = run("validate", "--input", str(folder))
    assert result.exit_code == 0
    assert "Sheet 'Xa': các dòng đang bị ẩn vẫn được tính: 5." in result.stderr


def test_ten_thousand_rows_are_read_quickly(year):
    rows = [commune(f"Xã {i}", rates=[50 + i % 50] * 7) for i in range(10_000)]
    folder = year(rows)
    start = time.perf_counter()
    result = run("score", "--input", str(folder), "--format", "json")
    assert result.exit_code == 0 or "Hòa điểm" in result.stderr
    assert time.perf_counter() - start < 30  # a bound, not a benchmark: it must not crawl


def test_summary_workbook_keeps_formula_like_names_as_text(year, tmp_path):
    needs_libreoffice()
    folder = year([commune("=1+1", rates=[99] * 7), commune("@SUM(A1)")],
                  cnscd=[team("-2+3", "Thôn 1", "=1+1", "tỉnh")])
    out = tmp_path / "out"
    assert run("build", "--input", str(folder), "--out", str(out)).exit_code == 0
    ws = load_workbook(out / "2023" / "bang_tong_hop_diem.xlsx")["Tong hop"]
    names = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=2).data_type for r in range(4, 6)}
    assert names == {"=1+1": "s", "@SUM(A1)": "s"}
    with zipfile.ZipFile(out / "2023" / "bang_tong_hop_diem.xlsx") as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_long_names_give_short_unique_file_names(year, tmp_path):
    needs_libreoffice()
    long = "Tổ công nghệ số cộng đồng " + "rất dài " * 30
    folder = year([commune("A", rates=[99] * 7), commune("B")],
                  cnscd=[team(long + "1", "Thôn 1", "A", "tỉnh"), team(long + "2", "Thôn 2", "A", "huyện"),
                         team(long + "3", "Thôn 3", "B", "huyện")])
    out = tmp_path / "out"
    assert run("build", "--input", str(folder), "--out", str(out), "--workers", "2").exit_code == 0
    names = [p.name for p in (out / "2023").glob("*.zip")]
    assert len(names) == len(set(names)) == 4
    assert all(len(n) <= 120 and n.isascii() for n in names)


def test_no_leftover_office_processes_after_build(tmp_path):
    needs_libreoffice()
    out = tmp_path / "out"
    assert run("build", "--input", str(SAMPLE), "--out", str(out)).exit_code == 0
    time.sleep(0.5)
    marker = f"dossiers_{os.getpid()}_".encode()  # the pipe names of this process's workers
    left = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker in (proc / "cmdline").read_bytes():
                left.append(proc.name)
        except OSError:
            pass
    assert left == []


def test_duplicate_headers_merged_cells_and_control_characters(year):
    from conftest import XA_HEADER

    header = [*XA_HEADER, "1.1"]
    folder = year([commune("A\tB\nC", rates=[99] * 7), commune("B")], xa_header=header)
    result = run("validate", "--input", str(folder))
    assert result.exit_code == 1
    assert "Sheet 'Xa', dòng 2: tiêu đề cột '1.1' bị trùng; mỗi cột chỉ được có một." in result.stderr

    folder = year([commune("A\tB\nC", rates=[99] * 7), commune("B", rates=[80] * 7)])
    wb = load_workbook(folder / "ds.xlsx")
    wb["Xa"].merge_cells("C4:D4")  # 1.1 and 1.2 of commune B merged
    wb.save(folder / "ds.xlsx")
    result = run("validate", "--input", str(folder))
    assert result.exit_code == 1
    assert "Sheet 'Xa', dòng 4, cột '1.2': tỷ lệ để trống (ô trống, hoặc ô gộp với ô khác)" in result.stderr

    wb["Xa"].unmerge_cells("C4:D4")
    wb["Xa"]["D4"] = 80
    wb.save(folder / "ds.xlsx")
    result = run("score", "--input", str(folder), "--format", "json")
    assert result.exit_code == 0
    import json

    assert json.loads(result.stdout)["ranking"][0]["commune"] == "A B C"  # control characters became spaces
