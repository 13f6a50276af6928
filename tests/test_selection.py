"""R7 quotas, R4 ties, R10 votes."""

from __future__ import annotations

import pytest
from conftest import commune, team

from pipeline.errors import TieError
from pipeline.run import prepare


def chosen(folder):
    return [(p.award, p.field, p.unit) for p in prepare(folder).selection.proposals]


def test_commune_awards(year):
    rows = [commune("A", rates=[99] * 7, province="x"), commune("B", rates=[98] * 7, discipline="Đang thanh tra"),
            commune("C", rates=[95] * 7), commune("D", rates=[96] * 7)]
    assert chosen(year(rows)) == [("bang_khen_tinh", "chuyen_doi_so", "UBND xã A"),
                                  ("giay_khen_huyen", "chuyen_doi_so", "UBND xã D")]


def test_tie_that_decides_an_award_stops(year):
    rows = [commune("A", rates=[95, 90, 90, 90, 90, 90, 90]), commune("B", rates=[90, 95, 90, 90, 90, 90, 90])]
    with pytest.raises(TieError) as e:
        prepare(year(rows))
    text = str(e.value)
    assert "UBND xã A (27,25 điểm); UBND xã B (27,25 điểm)" in text
    assert "ghi 'huyện' vào cột 'Đề xuất'" in text


def test_tie_break_from_configuration(year):
    rows = [commune("A", rates=[95, 90, 90, 90, 90, 90, 90]), commune("B", rates=[90, 90, 90, 90, "96,25", 90, 90]),
            commune("C", rates=[80] * 7)]
    folder = year(rows, config_edit=lambda t: t.replace("tie_break = []", 'tie_break = ["3"]'))
    assert chosen(folder)[0][2] == "UBND xã B"
    # A tie below the cut does not matter.
    assert chosen(year([commune("A", rates=[99] * 7), commune("B"), commune("C")]))[0][2] == "UBND xã A"


def test_teams_explicit_and_by_score(year):
    cnscd = [team("T1", "Thôn 1", "A", score=90), team("T2", "Thôn 2", "A", score=95), team("T3", "Thôn 3", "B", score=80),
             team("T4", "Thôn 4", "B", score=99, discipline="Đang kiểm tra"), team("T5", "Thôn 5", "B", "huyện")]
    da06 = [team("D1", "Thôn 1", "A", "tỉnh"), team("D2", "Thôn 2", "A", score=70), team("D3", "Thôn 3", "B")]
    folder = year([commune("A", rates=[99] * 7), commune("B")], cnscd=cnscd, da06=da06)
    prepared = prepare(folder)
    got = [(p.award, p.field, p.unit) for p in prepared.selection.proposals if p.field != "chuyen_doi_so"]
    assert got == [
        ("bang_khen_tinh", "to_cnscd", "T2"),  # best eligible score in the district
        ("giay_khen_huyen", "to_cnscd", "T1"),  # never the team proposed for the province
        ("giay_khen_huyen", "to_cnscd", "T5"),  # the commune's explicit choice
        ("bang_khen_tinh", "to_de_an_06", "D1"),
        ("giay_khen_huyen", "to_de_an_06", "D2"),
    ]
    assert any("xã B chưa có tổ nào được đề xuất" in w for w in prepared.warnings)


def test_votes_below_threshold_reject(year):
    rows = [commune("A", rates=[99] * 7, province="x", votes=3), commune("B", votes=4)]
    prepared = prepare(year(rows))
    assert [p.unit for p in prepared.selection.proposals] == ["UBND xã B"]
    assert [p.unit for p in prepared.selection.rejected] == ["UBND xã A"]
    assert not prepared.selection.drafts
    assert any("3/7 phiếu đồng ý, cần ít nhất 4" in w for w in prepared.warnings)
