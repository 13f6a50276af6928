"""Shared test helpers: write real .xlsx workbooks into a copy of the sample year."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "2023"

XA_HEADER = ["Xã", "Đơn vị", "1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3", "Kỷ luật", "Đề nghị tỉnh", "Phiếu đồng ý"]
TEAM_HEADER = ["Tổ", "Thôn/TDP", "Xã", "Đề xuất", "Điểm", "Kỷ luật", "Phiếu đồng ý"]


def commune(name: str, rates: Sequence[Any] = (90,) * 7, discipline: Any = None, province: Any = None,
            votes: Any = None, unit: Any = None) -> list[Any]:
    return [name, unit, *rates, discipline, province, votes]


def team(name: str, village: str, xa: str, choice: Any = None, score: Any = None, discipline: Any = None,
         votes: Any = None) -> list[Any]:
    return [name, village, xa, choice, score, discipline, votes]


def write_workbook(path: Path, communes: Sequence[Sequence[Any]], cnscd: Sequence[Sequence[Any]] = (),
                   da06: Sequence[Sequence[Any]] = (), title_rows: int = 1,
                   xa_header: Sequence[str] = XA_HEADER, formats: dict[tuple[int, int], str] | None = None,
                   sheet_names: tuple[str, str, str] = ("Xa", "To_CNSCD", "To_DA06")) -> Path:
    """A workbook with ``title_rows`` title lines above each header; ``formats`` maps
    (data row index, column index) of sheet Xa to a number format."""
    wb = Workbook()
    sheets = [(sheet_names[0], list(xa_header), communes), (sheet_names[1], TEAM_HEADER, cnscd),
              (sheet_names[2], TEAM_HEADER, da06)]
    for i, (name, header, rows) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        for t in range(title_rows):
            ws.append([f"BẢNG TỔNG HỢP {t + 1}"])
        ws.append(header)
        for number, r in enumerate(rows, start=title_rows + 2):
            ws.append(list(r))
            for column, value in enumerate(r, start=1):
                if isinstance(value, str) and value.startswith("="):
                    # text that looks like a formula, as a user types it behind a quote
                    ws.cell(row=number, column=column).data_type = "s"
        if i == 0 and formats:
            for (r, c), fmt in formats.items():
                ws.cell(row=title_rows + 2 + r, column=c + 1).number_format = fmt
    wb.save(path)
    return path


@pytest.fixture
def year(tmp_path: Path) -> Callable[..., Path]:
    """Make a year folder with the sample configuration and a workbook from the given rows."""

    def make(communes: Sequence[Sequence[Any]], cnscd: Sequence[Sequence[Any]] = (), da06: Sequence[Sequence[Any]] = (),
             config_edit: Callable[[str], str] | None = None, **kwargs: Any) -> Path:
        folder = tmp_path / "nam"
        folder.mkdir(exist_ok=True)
        text = (SAMPLE / "config.toml").read_text(encoding="utf-8")
        (folder / "config.toml").write_text(config_edit(text) if config_edit else text, encoding="utf-8")
        write_workbook(folder / "ds.xlsx", communes, cnscd, da06, **kwargs)
        return folder

    return make


def needs_libreoffice() -> None:
    """Skip outside CI when LibreOffice is missing; in CI a missing LibreOffice is a failure."""
    if shutil.which("soffice") is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice (soffice) không có trên máy")
