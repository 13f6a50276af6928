"""Filling the templates: values escaped and literal, Decree 30 dates, strict variables."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from conftest import ROOT, commune, team
from docx import Document

from pipeline.errors import TemplateError
from pipeline.render import Renderer, base_context, check_templates, dossier_context, template_folder, vn_date
from pipeline.run import prepare

HOSTILE = 'A & <B> "C" / D {{ 7*7 }}'


def text_of(path) -> str:
    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_decree_30_dates():
    assert vn_date(dt.date(2023, 9, 5)) == "ngày 05 tháng 9 năm 2023"
    assert vn_date(dt.date(2023, 2, 15)) == "ngày 15 tháng 02 năm 2023"
    assert vn_date(dt.date(2023, 12, 20)) == "ngày 20 tháng 12 năm 2023"


def test_commune_report_table_and_literal_values(year, tmp_path):
    rates = ["96,5", "90", "87,5", "87", "84,375", "80", "75"]
    folder = year([commune(HOSTILE, rates=rates, province="x"), commune("B", rates=[50] * 7)])
    prepared = prepare(folder)
    p = prepared.selection.proposals[0]
    ctx = dossier_context(prepared, p, base_context(prepared))
    renderer = Renderer(template_folder(prepared))
    renderer.render("bao_cao_thanh_tich", ctx, tmp_path / "bc.docx")
    renderer.render("to_trinh", ctx, tmp_path / "tt.docx")
    report = text_of(tmp_path / "bc.docx")
    assert f"UBND xã {HOSTILE}" in report  # escaped for XML, shown literally, Jinja in data not run
    assert "49" not in report.split("Tên tập thể")[1].split("\n")[0]
    assert "1.1 | Tỷ lệ nộp hồ sơ trực tuyến | 96,5 | 5,00 | 4,83" in report
    assert "3.1 | Tỷ lệ hồ sơ cấp kết quả điện tử | 84,38 | 4,00 | 3,38" in report
    assert "Tổng điểm | Tổng điểm |  | 30,00 | 26,08" in report
    assert "ngày 15 tháng 9 năm 2023" in report
    submission = text_of(tmp_path / "tt.docx")
    assert "Số:" in submission and "/TTr-VHTT" in submission
    assert "tổng điểm 26,08/30,00 điểm, xếp thứ 1/2" in submission
    assert "- Lưu: VT, VH-TT." in submission


def test_team_documents(year, tmp_path):
    folder = year([commune("A")], cnscd=[team("Tổ & Co", "Thôn 1", "A", "tỉnh")])
    prepared = prepare(folder)
    p = next(p for p in prepared.selection.proposals if p.field == "to_cnscd")
    ctx = dossier_context(prepared, p, base_context(prepared))
    Renderer(template_folder(prepared)).render("bao_cao_thanh_tich", ctx, tmp_path / "bc.docx")
    report = text_of(tmp_path / "bc.docx")
    assert "Tổ & Co" in report and "TỔ & CO" in report
    assert "ĐỀ NGHỊ TẶNG BẰNG KHEN CỦA CHỦ TỊCH UBND TỈNH" in report


def check_with_added_paragraph(year, template: str, text: str) -> TemplateError:
    """Copy the template set into the year folder (a district's own set), add a paragraph to
    one template, and return the error the template check raises."""
    folder = year([commune("A", rates=[99] * 7), commune("B")])
    shutil.copytree(ROOT / "templates" / "nd91_2017_huyen", folder / "nd91_2017_huyen")
    doc = Document(folder / "nd91_2017_huyen" / template)
    doc.add_paragraph(text)
    doc.save(folder / "nd91_2017_huyen" / template)
    with pytest.raises(TemplateError) as e:
        check_templates(prepare(folder))
    return e.value


def test_template_with_unknown_variable_is_named(year):
    error = check_with_added_paragraph(year, "to_trinh.docx", "{{ so_quyet_dinh }}")
    assert error.details == ["Mẫu to_trinh.docx: biến không có trong dữ liệu: so_quyet_dinh"]


def test_template_cannot_reach_python_internals(year):
    error = check_with_added_paragraph(year, "bien_ban.docx", "{{ nam.__class__.__mro__[1].__subclasses__() }}")
    assert "bien_ban.docx" in str(error) and "không điền được" in str(error)
