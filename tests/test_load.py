"""Reading workbooks in the forms real offices produce (SPEC §3)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from conftest import XA_HEADER, commune, team

from pipeline.config import load_config
from pipeline.validate import read_candidates


def read(folder):
    return read_candidates(folder / "ds.xlsx", load_config(folder))


def test_rate_forms_are_read_exactly(year):
    rows = [
        commune("A", rates=[85.5, "85,5%", "85,5", "85.5 %", 0.855, " 90 ", 100]),
        commune("B", rates=[0.995, 1, 0, 0.5, 12, 50.25, "0"]),
    ]
    # Row 0, col 6 (3.1) and row 1 cols 2-4 (1.1-2.1) as percent-formatted fractions.
    formats = {(0, 6): "0.0%", (1, 2): "0.0%", (1, 3): "0%", (1, 4): "0.00%"}
    wb = read(year(rows, formats=formats))
    a, b = wb.communes
    assert [a.rates[c] for c in ("1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3")] == [
        Decimal("85.5"), Decimal("85.5"), Decimal("85.5"), Decimal("85.5"), Decimal("85.5"), Decimal("90"), Decimal("100")]
    assert b.rates["1.1"] == Decimal("99.5")  # 0.995 formatted as percent is exactly 99.5
    assert b.rates["1.2"] == Decimal("100")
    assert b.rates["2.1"] == Decimal("0")
    assert b.rates["2.2"] == Decimal("0.5")  # not percent-formatted: 0.5 means 0.5 %, never guessed


def test_title_rows_long_headers_and_sheet_aliases(year):
    header = list(XA_HEADER)
    header[2] = "1.1. Tỷ lệ nộp hồ sơ trực tuyến (%)"
    header[0] = "  XÃ "
    folder = year([commune("Tân Dĩnh")], title_rows=4, xa_header=header, sheet_names=("XÃ", "to cnscd", "TO_DA06"))
    wb = read(folder)
    assert [c.name for c in wb.communes] == ["Tân Dĩnh"]


def test_names_are_nfc_and_spaces_collapsed(year):
    nfd = unicodedata.normalize("NFD", "Tân  Dĩnh ")
    folder = year([commune(nfd, discipline="không"), commune("Hương Sơn", discipline=0)],
                  cnscd=[team("  Tổ  A & \"B\" ", "Thôn Hạ", "tân dĩnh", "tỉnh")])
    wb = read(folder)
    assert wb.communes[0].name == "Tân Dĩnh"
    assert unicodedata.is_normalized("NFC", wb.communes[0].name)
    assert wb.communes[0].unit == "UBND xã Tân Dĩnh"
    assert wb.communes[0].discipline is None and wb.communes[1].discipline is None
    t = wb.teams[0]
    assert (t.name, t.commune, t.choice) == ('Tổ A & "B"', "Tân Dĩnh", "tinh")


def test_province_marks_in_every_accepted_form(year):
    rows = [commune(n, province=p) for n, p in (("A", "x"), ("B", "Có"), ("C", 1), ("D", True), ("E", None), ("F", "không"))]
    wb = read(year(rows))
    assert [c.province_mark for c in wb.communes] == [True, True, True, True, False, False]


def test_totals_row_is_left_out_with_a_warning(year):
    from pipeline.run import prepare

    rows = [commune("A", rates=[99] * 7), commune("B"), commune("Tổng cộng", rates=[94.5] * 7)]
    prepared = prepare(year(rows))
    assert [c.name for c in prepared.workbook.communes] == ["A", "B"]
    assert "Sheet 'Xa': bỏ qua dòng tổng cộng 5 (không phải tập thể)." in prepared.warnings
