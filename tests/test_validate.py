"""Every input error is reported at once, one exact Vietnamese line each (SPEC §3)."""

from __future__ import annotations

import pytest
from conftest import XA_HEADER, commune, team

from pipeline.config import load_config
from pipeline.errors import InputError
from pipeline.validate import read_candidates


def errors_of(folder) -> list[str]:
    with pytest.raises(InputError) as e:
        read_candidates(folder / "ds.xlsx", load_config(folder))
    return e.value.details


def test_rate_errors_all_at_once(year):
    rows = [
        commune("A", rates=[None, "abc", -1, 120, "85,5,1", True, 50]),
        commune("B", rates=[1.2, 90, 90, 90, 90, 90, 90]),
    ]
    lines = errors_of(year(rows, formats={(1, 2): "0%"}))
    assert lines == [
        "Sheet 'Xa', dòng 3, cột '1.1': tỷ lệ để trống (ô trống, hoặc ô gộp với ô khác)",
        "Sheet 'Xa', dòng 3, cột '1.2': giá trị 'abc' không phải là số",
        "Sheet 'Xa', dòng 3, cột '2.1': giá trị '-1' nhỏ hơn 0%",
        "Sheet 'Xa', dòng 3, cột '2.2': giá trị '120' vượt quá 100%",
        "Sheet 'Xa', dòng 3, cột '3.1': giá trị '85,5,1' không phải là số (dùng một dấu phẩy hoặc dấu chấm thập phân)",
        "Sheet 'Xa', dòng 3, cột '3.2': giá trị 'TRUE' không phải là số",
        "Sheet 'Xa', dòng 4, cột '1.1': giá trị '120%' vượt quá 100%",
    ]


def test_duplicate_commune_and_unknown_team_commune(year):
    rows = [commune("Tân Dĩnh"), commune("Xã Tân Dĩnh")]
    lines = errors_of(year(rows, cnscd=[team("Tổ 1", "Thôn 1", "Tân Dĩnh"), team("Tổ 2", "Thôn 2", "Mỹ Hà")]))
    assert lines == [
        "Sheet 'Xa', dòng 4, cột 'Xã': 'Xã Tân Dĩnh' trùng với dòng 3",
        "Sheet 'To_CNSCD', dòng 4, cột 'Xã': xã 'Mỹ Hà' không có trong sheet 'Xa'",
    ]


def test_bad_choice_values_and_votes(year):
    lines = errors_of(year([commune("A", province="có lẽ", votes=9)],
                           da06=[team("Tổ 1", "Thôn 1", "A", choice="xã", score="tốt", votes=2.5)]))
    assert lines == [
        "Sheet 'Xa', dòng 3, cột 'Đề nghị tỉnh': giá trị 'có lẽ' không hợp lệ "
        "(đánh 'x', 'có', 1 hoặc TRUE nếu được tỉnh chọn; để trống nếu không)",
        "Sheet 'Xa', dòng 3, cột 'Phiếu đồng ý': số phiếu '9' lớn hơn số thành viên Hội đồng (7)",
        "Sheet 'To_DA06', dòng 3, cột 'Điểm': giá trị 'tốt' không phải là số",
        "Sheet 'To_DA06', dòng 3, cột 'Đề xuất': giá trị 'xã' không hợp lệ (chỉ nhận 'tỉnh' hoặc 'huyện' hoặc để trống)",
        "Sheet 'To_DA06', dòng 3, cột 'Phiếu đồng ý': số phiếu '2.5' phải là số nguyên không âm",
    ]


def test_quota_breaking_choices(year):
    cnscd = [team("Tổ 1", "Thôn 1", "A", "tỉnh"), team("Tổ 2", "Thôn 2", "B", "tỉnh"),
             team("Tổ 3", "Thôn 3", "A", "huyện"), team("Tổ 4", "Thôn 4", "A", "huyện"),
             team("Tổ 5", "Thôn 5", "B", "huyện", discipline="Đang kiểm tra")]
    lines = errors_of(year([commune("A"), commune("B", discipline="Đang điều tra", province="x")], cnscd=cnscd))
    assert lines == [
        "Sheet 'Xa', dòng 4, cột 'Đề nghị tỉnh': 'B' được đề nghị nhưng không đủ điều kiện khen thưởng: Đang điều tra",
        "Sheet 'To_CNSCD', dòng 7, cột 'Đề xuất': 'Tổ 5' được đề xuất nhưng không đủ điều kiện khen thưởng: Đang kiểm tra",
        "Sheet 'To_CNSCD', cột 'Đề xuất': 2 tổ đề xuất 'tỉnh', vượt chỉ tiêu 1 của huyện: Tổ 1 - A (dòng 3), Tổ 2 - B (dòng 4)",
        "Sheet 'To_CNSCD', cột 'Đề xuất': xã A đề xuất 'huyện' 2 tổ, vượt chỉ tiêu 1 mỗi xã: Tổ 3 (dòng 5), Tổ 4 (dòng 6)",
    ]


def test_missing_sheet_and_column(year, tmp_path):
    header = [h for h in XA_HEADER if h != "3.3"]
    folder = year([commune("A")[:-4] + commune("A")[-3:]], xa_header=header, sheet_names=("Xa", "To_CNSCD", "Khac"))
    lines = errors_of(folder)
    assert lines == [
        "Sheet 'Xa', dòng 2: thiếu cột '3.3'.",
        "Thiếu sheet 'To_DA06' trong ds.xlsx (các sheet hiện có: Xa, To_CNSCD, Khac).",
    ]


def test_missing_name_and_duplicate_team(year):
    lines = errors_of(year([commune("A"), [None, "UBND xã ?", *([90] * 7), None, None, None]],
                           cnscd=[team("Tổ 1", "Thôn 1", "A"), team("tổ 1", "thôn 1", "a"), team(None, "Thôn 2", "A")]))
    assert lines == [
        "Sheet 'Xa', dòng 4, cột 'Xã': thiếu tên xã (dòng có số liệu nhưng ô tên để trống)",
        "Sheet 'To_CNSCD', dòng 4, cột 'Tổ': 'tổ 1' (thôn 1, a) trùng với dòng 3",
        "Sheet 'To_CNSCD', dòng 5, cột 'Tổ': thiếu tên tổ",
    ]


def test_not_an_xlsx(tmp_path):
    from pipeline.load import load_workbook

    bad = tmp_path / "ds.xlsx"
    bad.write_text("Xã;1.1\nA;90\n", encoding="utf-8")
    with pytest.raises(InputError, match="không phải tệp Excel .xlsx hợp lệ"):
        load_workbook(bad)
