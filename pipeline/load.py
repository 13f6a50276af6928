"""Load stage: finds the year's workbook and reads its sheets into raw rows.

Takes an input folder; gives ``RawSheet`` objects (header map plus cells with their number
formats and Excel row numbers). Values are not interpreted here: that is ``validate``'s job.
openpyxl is used directly because a cell's percent format decides whether 0.855 means 85.5%,
and pandas drops number formats.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import InputError

logger = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class Column:
    """A column the pipeline knows: its id, the header shown to users, accepted aliases."""

    id: str
    label: str
    aliases: tuple[str, ...]
    required: bool = True


@dataclass(frozen=True)
class SheetSpec:
    """A sheet the pipeline reads: its display name, accepted names and columns."""

    id: str
    label: str
    names: tuple[str, ...]
    columns: tuple[Column, ...]
    key: str  # the column whose presence marks the header row and a data row


@dataclass(frozen=True)
class RawCell:
    """A cell's stored value and number format."""

    value: Any
    number_format: str

    @property
    def blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(frozen=True)
class RawRow:
    """A data row: its Excel row number and its cells by column id."""

    number: int
    cells: dict[str, RawCell]


@dataclass(frozen=True)
class RawSheet:
    """A sheet as read: its real name, which columns were found, its data rows, and what the
    cell values alone do not show: hidden rows and formulas that have no computed value."""

    spec: SheetSpec
    name: str
    columns: dict[str, str]  # column id -> header text as written
    rows: tuple[RawRow, ...]
    hidden: frozenset[int] = frozenset()
    formulas: dict[tuple[int, str], str] | None = None  # (row, column id) -> formula without a cached value
    totals: tuple[int, ...] = ()  # "Tổng cộng" rows left out


def fold(text: str) -> str:
    """Matching key: NFC, case folded, diacritics and đ removed, spaces collapsed."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", str(text)).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("đ", "d")
    return " ".join(text.split())


def clean(text: str) -> str:
    """User text as the documents show it: NFC, stray spaces and control characters removed."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(text.split())


_CRITERION = re.compile(r"^(\d\.\d)(?![\d])")


def _col(id: str, label: str, *aliases: str, required: bool = True) -> Column:
    return Column(id, label, tuple(fold(a) for a in (label, *aliases)), required)


RATE_COLUMNS = tuple(_col(code, code) for code in ("1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3"))

TOTAL_WORDS = {"tong", "tong cong", "cong", "tong so", "total"}
STT = _col("stt", "STT", "tt", "số tt", "số thứ tự", required=False)

COMMUNES = SheetSpec(
    id="communes", label="Xa", key="xa",
    names=("xa", "communes", "commune", "xa thi tran", "tap the xa"),
    columns=(
        STT,
        _col("xa", "Xã", "xã, thị trấn", "tên xã", "commune"),
        _col("don_vi", "Đơn vị", "tên đơn vị", "unit", required=False),
        *RATE_COLUMNS,
        _col("ky_luat", "Kỷ luật", "discipline"),
        _col("de_nghi_tinh", "Đề nghị tỉnh", "province", "proposed to province"),
        _col("de_xuat", "Đề xuất", "proposal", required=False),
        _col("phieu", "Phiếu đồng ý", "số phiếu đồng ý", "votes", required=False),
        _col("dia_chi", "Địa chỉ", "trụ sở", "address", required=False),
        _col("dien_thoai", "Điện thoại", "phone", required=False),
        _col("email", "Email", "e-mail", "thư điện tử", required=False),
        _col("nguoi_dung_dau", "Người đứng đầu", "head", required=False),
        _col("thanh_tich", "Thành tích", "achievements", required=False),
    ),
)


def _team_spec(id: str, label: str, names: tuple[str, ...]) -> SheetSpec:
    return SheetSpec(
        id=id, label=label, key="to", names=names,
        columns=(
            STT,
            _col("to", "Tổ", "tên tổ", "team"),
            _col("thon", "Thôn/TDP", "thôn", "thôn, tdp", "thôn/tổ dân phố", "thôn, tổ dân phố", "village"),
            _col("xa", "Xã", "xã, thị trấn", "commune"),
            _col("de_xuat", "Đề xuất", "proposal"),
            _col("diem", "Điểm", "score", required=False),
            _col("ky_luat", "Kỷ luật", "discipline", required=False),
            _col("phieu", "Phiếu đồng ý", "số phiếu đồng ý", "votes", required=False),
            _col("thanh_tich", "Thành tích", "achievements", required=False),
        ),
    )


TEAMS_CNSCD = _team_spec("to_cnscd", "To_CNSCD", ("to_cnscd", "to cnscd", "cnscd", "to cong nghe so cong dong", "cdt teams"))
TEAMS_DA06 = _team_spec("to_de_an_06", "To_DA06", ("to_da06", "to da06", "da06", "to de an 06", "de an 06", "project 06 teams"))
SHEETS = (COMMUNES, TEAMS_CNSCD, TEAMS_DA06)


def _sheet_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", fold(name))


def find_workbook(folder: Path) -> Path:
    """The single ``.xlsx`` of an input folder (Excel's ``~$`` lock files ignored)."""
    if not folder.is_dir():
        raise InputError(f"Không tìm thấy thư mục đầu vào {folder}.")
    books = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".xlsx" and not p.name.startswith("~$"))
    if not books:
        raise InputError(f"Thư mục {folder} không có tệp Excel (.xlsx) danh sách tập thể.")
    if len(books) > 1:
        names = ", ".join(p.name for p in books)
        raise InputError(f"Thư mục {folder} có nhiều tệp .xlsx ({names}): chỉ để lại một tệp của năm.")
    return books[0]


def _open(path: Path) -> Any:
    import openpyxl  # deferred: the CLI's --help should not pay for it

    head = path.read_bytes()[:8] if path.stat().st_size else b""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"{path.name}: tệp là định dạng Excel cũ (.xls) hoặc đã đặt mật khẩu; "
            "mở bằng Excel, bỏ mật khẩu nếu có và lưu lại dạng .xlsx."
        )
    if not zipfile.is_zipfile(path):
        raise InputError(
            f"{path.name}: không phải tệp Excel .xlsx hợp lệ (có thể là CSV/PDF đổi tên hoặc tệp bị hỏng); "
            "mở bằng Excel và lưu lại dạng .xlsx."
        )
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged archive
        raise InputError(f"{path.name}: không đọc được tệp Excel ({type(e).__name__}: {e}); tệp có thể bị hỏng.") from e


def load_workbook(path: Path) -> tuple[list[RawSheet], list[str]]:
    """Read every known sheet of ``path``; returns the sheets and the errors found."""
    book = _open(path)
    errors: list[str] = []
    sheets: list[RawSheet] = []
    try:
        by_key: dict[str, list[str]] = {}
        for name in book.sheetnames:
            by_key.setdefault(_sheet_key(name), []).append(name)
        for spec in SHEETS:
            keys = dict.fromkeys(_sheet_key(a) for a in spec.names)
            found = [n for key in keys for n in by_key.get(key, [])]
            if not found:
                errors.append(
                    f"Thiếu sheet '{spec.label}' trong {path.name} (các sheet hiện có: {', '.join(book.sheetnames)})."
                )
                continue
            if len(found) > 1:
                errors.append(f"Có nhiều sheet cùng là '{spec.label}': {', '.join(found)}; chỉ giữ một.")
                continue
            sheet = _read_sheet(book[found[0]], spec, errors)
            if sheet is not None:
                sheets.append(sheet)
    finally:
        book.close()
    return sheets, errors


def _match(spec: SheetSpec, header: str) -> str | None:
    key = fold(header)
    m = _CRITERION.match(key)
    if m:
        return m.group(1)
    bare = re.sub(r"\s*\(.*\)\s*$", "", key)
    for col in spec.columns:
        if col.id in ("1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3"):
            continue
        if key in col.aliases or bare in col.aliases:
            return col.id
    return None


def _read_sheet(ws: Any, spec: SheetSpec, errors: list[str]) -> RawSheet | None:
    ws.reset_dimensions()  # some writers store a stale sheet size; read every row there is
    rows = ws.iter_rows()
    header_row = 0
    columns: dict[str, tuple[int, str]] = {}
    for number, row in enumerate(rows, start=1):
        if number > HEADER_SCAN_ROWS:
            break
        found: dict[str, tuple[int, str]] = {}
        duplicates: list[str] = []
        for index, cell in enumerate(row):
            if isinstance(cell.value, str) and cell.value.strip():
                col = _match(spec, cell.value)
                if col is None:
                    continue
                if col in found:
                    duplicates.append(clean(cell.value))
                found.setdefault(col, (index, clean(cell.value)))
        if spec.key in found and len(found) >= 2:
            header_row, columns = number, found
            for dup in duplicates:
                errors.append(f"Sheet '{ws.title}', dòng {number}: tiêu đề cột '{dup}' bị trùng; mỗi cột chỉ được có một.")
            break
    if not header_row:
        wanted = ", ".join(c.label for c in spec.columns if c.required)
        errors.append(
            f"Sheet '{ws.title}': không tìm thấy dòng tiêu đề trong {HEADER_SCAN_ROWS} dòng đầu (cần các cột: {wanted})."
        )
        return None
    for col in spec.columns:
        if col.required and col.id not in columns:
            errors.append(f"Sheet '{ws.title}', dòng {header_row}: thiếu cột '{col.label}'.")
    data: list[RawRow] = []
    totals: list[int] = []
    label_columns = ("stt", spec.key)
    for number, row in enumerate(rows, start=header_row + 1):
        cells = {
            col: RawCell(row[i].value, getattr(row[i], "number_format", "General") or "General")
            for col, (i, _) in columns.items()
            if i < len(row)
        }
        if all(c.blank for c in cells.values()):
            continue
        if any(isinstance(cells[c].value, str) and fold(cells[c].value) in TOTAL_WORDS for c in label_columns if c in cells):
            totals.append(number)  # a "Tổng cộng" row under the table is not a candidate
            continue
        data.append(RawRow(number, cells))
    logger.info("sheet %s: header on row %d, %d data rows", ws.title, header_row, len(data))
    hidden, formulas = _scan_xml(ws, {i: col for col, (i, _) in columns.items()}, header_row)
    return RawSheet(spec, ws.title, {c: text for c, (_, text) in columns.items()}, tuple(data), hidden, formulas,
                    tuple(totals))


_ROW = re.compile(rb"<row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_FORMULA_CELL = re.compile(rb'<c\b[^>]*\br="([A-Z]+)(\d+)"[^>]*>(.*?)</c>', re.S)
_FORMULA = re.compile(rb"<f\b[^>]*>([^<]*)</f>|<f\b[^>]*/>")
_VALUE = re.compile(rb"<v\b[^>]*>[^<]+</v>")


def _scan_xml(ws: Any, by_index: dict[int, str], header_row: int) -> tuple[frozenset[int], dict[tuple[int, str], str]]:
    """Hidden data rows, and formula cells of known columns that carry no cached value (the
    file was written by a program that does not compute formulas). openpyxl's read-only mode
    shows neither, so the sheet's XML is scanned once."""
    from openpyxl.utils import column_index_from_string

    try:
        with ws._get_source() as src:
            xml = src.read()
    except (AttributeError, OSError, KeyError):  # not an openpyxl read-only sheet: nothing to add
        return frozenset(), {}
    hidden = set()
    for m in _ROW.finditer(xml):
        attrs = m.group(1)
        number = _ROW_NUMBER.search(attrs)
        if number and _HIDDEN.search(attrs) and int(number.group(1)) > header_row:
            hidden.add(int(number.group(1)))
    formulas: dict[tuple[int, str], str] = {}
    if b"<f" in xml:
        for m in _FORMULA_CELL.finditer(xml):
            body = m.group(3)
            f = _FORMULA.search(body)
            if f is None or _VALUE.search(body):
                continue
            column = by_index.get(column_index_from_string(m.group(1).decode()) - 1)
            if column is not None:
                formulas[(int(m.group(2)), column)] = "=" + (f.group(1) or b"").decode("utf-8", "replace")
    return frozenset(hidden), formulas
