"""R3 rubric in exact decimals, R4 competition ranking, R5 eligibility."""

from __future__ import annotations

from decimal import Decimal

from conftest import commune

from pipeline.config import load_config
from pipeline.score import display, score_all
from pipeline.validate import read_candidates


def scores(folder):
    config = load_config(folder)
    return score_all(read_candidates(folder / "ds.xlsx", config).communes, config)


def test_points_are_exact_and_displayed_half_up(year):
    # 26.025 exactly: the display must round half up to 26,03 (float arithmetic gives 26,02).
    rates = ["96,5", "90", "87,5", "87", "84,375", "80", "75"]
    (s,) = scores(year([commune("A", rates=rates)]))
    assert s.criteria == {"1.1": Decimal("4.825"), "1.2": Decimal("4.5"), "2.1": Decimal("4.375"), "2.2": Decimal("4.35"),
                          "3.1": Decimal("3.375"), "3.2": Decimal("2.4"), "3.3": Decimal("2.25")}
    assert s.groups == {"1": Decimal("9.325"), "2": Decimal("8.725"), "3": Decimal("8.025")}
    assert s.total == Decimal("26.075")
    assert display(Decimal("26.025")) == "26,03"
    assert display(Decimal("26.075")) == "26,08"
    assert display(Decimal("30")) == "30,00"


def test_competition_ranking_and_ineligible(year):
    rows = [commune("A", rates=[90] * 7), commune("B", rates=[95] * 7), commune("C", rates=[90] * 7),
            commune("D", rates=[80] * 7), commune("E", rates=[100] * 7, discipline="Đang xác minh đơn tố cáo")]
    result = scores(year(rows))
    assert [(s.commune.name, s.rank, s.eligible) for s in result] == [
        ("B", 1, True), ("A", 2, True), ("C", 2, True), ("D", 4, True), ("E", None, False)]
    assert result[-1].reason == "Đang xác minh đơn tố cáo"
    assert result[-1].total == Decimal(30)


def test_weights_come_from_configuration(year):
    folder = year([commune("A", rates=[100] * 7)], config_edit=lambda t: t.replace('"3.3" = 3', '"3.3" = 6'))
    (s,) = scores(folder)
    assert s.total == Decimal(33)
