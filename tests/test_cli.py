"""The command line contract of SPEC §7: outputs and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner
from conftest import ROOT, SAMPLE, commune

from pipeline.cli import main


def run(*args: str):
    return CliRunner(mix_stderr=False).invoke(main, list(args))


def test_score_json_contract():
    result = run("score", "--input", str(SAMPLE), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    first = data["ranking"][0]
    assert set(first) >= {"commune", "unit", "score", "rank", "eligible", "reason", "criteria"}
    assert first["commune"] == "Tân Dĩnh" and first["rank"] == 1
    assert abs(first["score"] - 29.187) < 1e-9
    assert set(first["criteria"]) == {"1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3"}
    ineligible = [r for r in data["ranking"] if not r["eligible"]]
    assert [(r["commune"], r["rank"]) for r in ineligible] == [("Hương Sơn", None)]
    assert ineligible[0]["reason"].startswith("Đang thanh tra")
    assert {"award": "giay_khen_huyen", "field": "chuyen_doi_so", "unit": "UBND thị trấn Vôi", "commune": "Vôi"} in data["selected"]


def test_score_table_and_validate_ok():
    result = run("score", "--input", str(SAMPLE))
    assert result.exit_code == 0
    assert "29,19" in result.stdout and "UBND xã Tân Dĩnh" in result.stdout
    result = run("validate", "--input", str(SAMPLE.parent), "--year", "2023")
    assert result.exit_code == 0
    assert "Dữ liệu hợp lệ: 14 xã, 17 tổ" in result.stdout


def test_input_errors_exit_1_with_every_line(year):
    folder = year([commune("A", rates=[120, 90, 90, 90, 90, 90, "x"])])
    result = run("validate", "--input", str(folder))
    assert result.exit_code == 1
    assert "Sheet 'Xa', dòng 3, cột '1.1': giá trị '120' vượt quá 100%" in result.stderr
    assert "Sheet 'Xa', dòng 3, cột '3.3': giá trị 'x' không phải là số" in result.stderr
    assert run("score", "--input", str(folder)).exit_code == 1


def test_usage_errors_exit_2(tmp_path):
    assert run("score", "--input", str(SAMPLE), "--format", "xml").exit_code == 2
    assert run("validate").exit_code == 2


def test_missing_folder_is_input_error(tmp_path):
    result = run("validate", "--input", str(tmp_path / "khong-co"))
    assert result.exit_code == 1
    assert "Không tìm thấy config.toml" in result.stderr


def test_python_dash_m_and_help():
    out = subprocess.run([sys.executable, "-m", "pipeline", "score", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0
    assert "dossiers score --input input/2023" in out.stdout


def test_document_date_past_deadline_is_a_warning(year):
    folder = year([commune("A", rates=[99] * 7), commune("B")],
                  config_edit=lambda t: t.replace("document = 2023-09-15", "document = 2023-09-25"))
    result = run("validate", "--input", str(folder))
    assert result.exit_code == 0
    assert "Cảnh báo: Ngày văn bản 25/09/2023 không trước hạn nộp hồ sơ 20/09/2023" in result.stderr


def test_missing_votes_make_drafts(year):
    folder = year([commune("A", rates=[99] * 7), commune("B", votes=5)])
    result = run("score", "--input", str(folder), "--format", "json")
    data = json.loads(result.stdout)
    assert any("bản dự thảo" in w for w in data["warnings"])
