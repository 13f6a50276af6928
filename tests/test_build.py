"""End to end with real LibreOffice: zips, manifest, PDFs as the council receives them."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import SAMPLE, commune, needs_libreoffice, team

from pipeline.cli import main

MM = 72 / 25.4


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory) -> Path:
    needs_libreoffice()
    out = tmp_path_factory.mktemp("out")
    result = CliRunner(mix_stderr=False).invoke(main, ["build", "--input", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    assert "Đã lập 16 hồ sơ (34 văn bản: 34 mới chuyển PDF, 0 dùng lại từ lần chạy trước)" in result.stdout
    return out / "2023"


def pdftext(data: bytes, tmp: Path, *args: str) -> str:
    path = tmp / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_zips_match_manifest(sample_build):
    manifest = json.loads((sample_build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["year"] == 2023
    assert len(manifest["dossiers"]) == 16
    for d in manifest["dossiers"]:
        assert d["zip"].isascii() and d["zip"].endswith(".zip")
        with zipfile.ZipFile(sample_build / d["zip"]) as z:
            assert sorted(z.namelist()) == sorted(f["name"] for f in d["files"])
            assert sorted(z.namelist()) == ["01_To_trinh.docx", "01_To_trinh.pdf", "02_Bao_cao_thanh_tich.docx",
                                            "02_Bao_cao_thanh_tich.pdf", "03_Bien_ban_hop.docx", "03_Bien_ban_hop.pdf"]
            for f in d["files"]:
                assert hashlib.sha256(z.read(f["name"])).hexdigest() == f["sha256"]
    first = manifest["dossiers"][0]
    assert (first["award"], first["field"], first["unit"], first["rank"]) == ("bang_khen_tinh", "chuyen_doi_so", "UBND xã Tân Dĩnh", 1)
    assert first["score"] == pytest.approx(29.187)
    assert (sample_build / "bang_tong_hop_diem.xlsx").is_file() and (sample_build / "bang_tong_hop_diem.pdf").is_file()
    assert sorted(p.name for p in sample_build.parent.iterdir()) == [".cache", "2023"]  # no temporary folder left


def test_pdf_text_and_layout(sample_build, tmp_path):
    with zipfile.ZipFile(sample_build / "giay_khen_huyen-chuyen_doi_so-ubnd-thi-tran-voi.zip") as z:
        submission, report = z.read("01_To_trinh.pdf"), z.read("02_Bao_cao_thanh_tich.pdf")
    text = pdftext(report, tmp_path)
    assert unicodedata.is_normalized("NFC", text)
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO THÀNH TÍCH",
                   "UBND THỊ TRẤN VÔI", "Lạng Giang, ngày 15 tháng 9 năm 2023", "27,94"):
        assert needle in text
    text = pdftext(submission, tmp_path)
    assert "TỜ TRÌNH" in text and "Văn phòng HĐND và UBND huyện" in text and "Nơi nhận:" in text
    path = tmp_path / "x.pdf"
    with pikepdf.open(path) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
        assert box[2:] == pytest.approx([595.3, 841.9], abs=1)  # A4 portrait
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "LiberationSerif" in fonts and "DejaVu" not in fonts
    # Margins: no text left of 30 mm or right of 195 mm, nothing above 20 mm on page 1.
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True).stdout
    words = [tuple(float(v) for v in m) for m in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', bbox)]
    assert min(w[0] for w in words) >= 30 * MM - 1
    assert max(w[2] for w in words) <= (210 - 15) * MM + 1
    assert min(w[1] for w in words) >= 20 * MM - 1


def test_page_numbers_from_page_two(sample_build, tmp_path):
    with zipfile.ZipFile(sample_build / "bang_khen_tinh-chuyen_doi_so-ubnd-xa-tan-dinh.zip") as z:
        data = z.read("03_Bien_ban_hop.pdf")
    pdftext(data, tmp_path)
    path = tmp_path / "x.pdf"
    pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert pages[1].strip().splitlines()[0].strip() == "2"
    assert not pages[0].strip().splitlines()[0].strip().isdigit()


def test_hostile_names_shown_literally_and_rebuild_identical(year, tmp_path):
    needs_libreoffice()
    name = 'Đồng & <Tâm> "A/B"'
    folder = year([commune(name, rates=[99] * 7), commune("B")], cnscd=[team("=HYPERLINK(1) {{ 7*7 }}", "Thôn 1", name, "tỉnh")])
    out = tmp_path / "out"
    runner = CliRunner(mix_stderr=False)
    assert runner.invoke(main, ["build", "--input", str(folder), "--out", str(out), "--workers", "1"]).exit_code == 0
    zips = sorted((out / "2023").glob("*.zip"))
    assert all(z.name.isascii() for z in zips)
    with zipfile.ZipFile(next(z for z in zips if "to_cnscd" in z.name)) as z:
        text = pdftext(z.read("02_Bao_cao_thanh_tich.pdf"), tmp_path)
    assert "=HYPERLINK(1) {{ 7*7 }}" in text
    assert 'UBND XÃ ĐỒNG & <TÂM> "A/B"' in text
    first = {z.name: z.read_bytes() for z in zips}
    # Served from the cache, then rebuilt from scratch with another backend: the same bytes.
    again = runner.invoke(main, ["build", "--input", str(folder), "--out", str(out)])
    assert "0 mới chuyển PDF" in again.stdout
    assert {z.name: z.read_bytes() for z in sorted((out / "2023").glob("*.zip"))} == first
    shutil.rmtree(out / ".cache")
    assert runner.invoke(main, ["build", "--input", str(folder), "--out", str(out), "--converter", "batch"]).exit_code == 0
    assert {z.name: z.read_bytes() for z in sorted((out / "2023").glob("*.zip"))} == first


def test_bad_input_leaves_previous_output(year, tmp_path):
    needs_libreoffice()
    folder = year([commune("A", rates=[99] * 7), commune("B")])
    out = tmp_path / "out"
    runner = CliRunner(mix_stderr=False)
    assert runner.invoke(main, ["build", "--input", str(folder), "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "2023").iterdir()}
    year([commune("A", rates=[101] * 7), commune("B")])
    result = runner.invoke(main, ["build", "--input", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert "vượt quá 100%" in result.stderr
    assert {p.name: p.read_bytes() for p in (out / "2023").iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == [".cache", "2023"]
