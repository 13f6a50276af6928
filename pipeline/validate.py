"""Validate stage: turns raw sheets into typed candidates, collecting every input error.

Takes the ``RawSheet`` list from ``load`` and the year's ``Config``; gives a ``Workbook`` or
raises ``InputError`` with one Vietnamese line per problem (sheet, Excel row, column, value).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import InputError
from pipeline.load import COMMUNES, TEAMS_CNSCD, TEAMS_DA06, RawCell, RawRow, RawSheet, clean, fold, load_workbook
from pipeline.model import CRITERIA, Commune, Profile, Team, Workbook

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_NONE_WORDS = {"khong", "0", "khong co", "none", "no"}
_YES = {"x", "co", "1", "true", "yes", "dung", "v"}
_NO = {"khong", "0", "false", "no", "sai"}
_CHOICES = {"tinh": "tinh", "bang khen tinh": "tinh", "huyen": "huyen", "giay khen huyen": "huyen"}
_COMMUNE_PREFIX = re.compile(r"^(xa|thi tran|phuong)\s+")


class Collector:
    """Gathers error lines in reading order."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def cell(self, sheet: RawSheet, row: int, column: str, problem: str) -> None:
        label = next((c.label for c in sheet.spec.columns if c.id == column), column)
        formula = (sheet.formulas or {}).get((row, column))
        if formula is not None:  # the cell looked blank because its formula was never computed
            problem = (f"ô có công thức '{formula}' nhưng chưa có giá trị tính sẵn (tệp được tạo bằng chương trình "
                       "không tính công thức): mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi chạy lại")
        self.lines.append(f"Sheet '{sheet.name}', dòng {row}, cột '{label}': {problem}")


def shown(cell: RawCell) -> str:
    """The value as the user sees it in Excel, quoted, for messages."""
    v = cell.value
    if cell.blank:
        return "(ô trống)"
    if isinstance(v, bool):
        return "'TRUE'" if v else "'FALSE'"
    if isinstance(v, (int, float)):
        d = _decimal(v)
        if d is not None and "%" in cell.number_format:
            return f"'{_plain(d * 100)}%'"
        return f"'{_plain(d) if d is not None else v}'"
    return f"'{clean(str(v))}'"


def _plain(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text


def _decimal(v: int | float) -> Decimal | None:
    """Exact decimal of a stored number from its shortest text form (never float arithmetic)."""
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return None
        return Decimal(repr(v))
    return Decimal(v)


def parse_number(cell: RawCell, allow_percent_sign: bool) -> Decimal | str:
    """A number from a cell (numeric, or text with comma or dot decimals); an error text if not."""
    v = cell.value
    if isinstance(v, bool) or isinstance(v, (dt.date, dt.time, dt.timedelta)):
        return f"giá trị {shown(cell)} không phải là số"
    if isinstance(v, (int, float)):
        d = _decimal(v)
        return d if d is not None else f"giá trị {shown(cell)} không phải là số"
    text = "".join(str(v).split()).replace("\u00a0", "")
    if allow_percent_sign and text.endswith("%"):
        text = text[:-1]
    if "," in text:
        if "." in text or text.count(",") > 1:
            return f"giá trị {shown(cell)} không phải là số (dùng một dấu phẩy hoặc dấu chấm thập phân)"
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        return f"giá trị {shown(cell)} không phải là số"
    try:
        return Decimal(text)
    except InvalidOperation:
        return f"giá trị {shown(cell)} không phải là số"


def parse_rate(cell: RawCell) -> Decimal | str:
    """A rate in percent, 0–100; a percent-formatted number cell stores a fraction."""
    if cell.blank:
        return "tỷ lệ để trống (ô trống, hoặc ô gộp với ô khác)"
    value = parse_number(cell, allow_percent_sign=True)
    if isinstance(value, str):
        return value
    if isinstance(cell.value, (int, float)) and "%" in cell.number_format:
        value = value * 100
    if value < 0:
        return f"giá trị {shown(cell)} nhỏ hơn 0%"
    if value > 100:
        return f"giá trị {shown(cell)} vượt quá 100%"
    return value


def commune_key(name: str) -> str:
    """Key under which commune names match ("Xã Tân Dĩnh" = "tân dĩnh")."""
    return _COMMUNE_PREFIX.sub("", fold(name))


def _text(row: RawRow, column: str) -> str:
    cell = row.cells.get(column)
    if cell is None or cell.blank:
        return ""
    v = cell.value
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return clean(str(v))


def _narrative(row: RawRow) -> str:
    """Free text whose line breaks are paragraphs: each line cleaned, blank lines dropped."""
    cell = row.cells.get("thanh_tich")
    if cell is None or cell.blank:
        return ""
    lines = (clean(line) for line in str(cell.value).splitlines())
    return "\n".join(line for line in lines if line)


def _discipline(row: RawRow) -> str | None:
    cell = row.cells.get("ky_luat")
    if cell is None or cell.blank:
        return None
    if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and cell.value == 0:
        return None
    text = _text(row, "ky_luat")
    return None if fold(text) in _NONE_WORDS else text


def _votes(sheet: RawSheet, row: RawRow, size: int, errors: Collector) -> int | None:
    cell = row.cells.get("phieu")
    if cell is None or cell.blank:
        return None
    value = parse_number(cell, allow_percent_sign=False)
    if isinstance(value, str) or value != value.to_integral_value() or value < 0:
        errors.cell(sheet, row.number, "phieu", f"số phiếu {shown(cell)} phải là số nguyên không âm")
        return None
    if value > size:
        errors.cell(sheet, row.number, "phieu", f"số phiếu {shown(cell)} lớn hơn số thành viên Hội đồng ({size})")
        return None
    return int(value)


def _choice(sheet: RawSheet, row: RawRow, allowed: tuple[str, ...], errors: Collector) -> str | None:
    cell = row.cells.get("de_xuat")
    if cell is None or cell.blank:
        return None
    choice = _CHOICES.get(fold(str(cell.value)))
    if choice not in allowed:
        words = " hoặc ".join(f"'{'tỉnh' if a == 'tinh' else 'huyện'}'" for a in allowed)
        errors.cell(sheet, row.number, "de_xuat", f"giá trị {shown(cell)} không hợp lệ (chỉ nhận {words} hoặc để trống)")
        return None
    return choice


def _province_mark(sheet: RawSheet, row: RawRow, errors: Collector) -> bool:
    cell = row.cells.get("de_nghi_tinh")
    if cell is None or cell.blank:
        return False
    v = cell.value
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return v == 1
    key = fold(str(v))
    if key in _YES:
        return True
    if key in _NO:
        return False
    errors.cell(sheet, row.number, "de_nghi_tinh",
                f"giá trị {shown(cell)} không hợp lệ (đánh 'x', 'có', 1 hoặc TRUE nếu được tỉnh chọn; để trống nếu không)")
    return False


def _communes(sheet: RawSheet, config: Config, errors: Collector) -> list[Commune]:
    out: list[Commune] = []
    seen: dict[str, int] = {}
    for row in sheet.rows:
        name = _text(row, "xa")
        if not name:
            errors.cell(sheet, row.number, "xa", "thiếu tên xã (dòng có số liệu nhưng ô tên để trống)")
            continue
        key = commune_key(name)
        if key in seen:
            errors.cell(sheet, row.number, "xa", f"'{name}' trùng với dòng {seen[key]}")
            continue
        seen[key] = row.number
        rates: dict[str, Decimal] = {}
        for code in CRITERIA:
            if code not in sheet.columns:
                continue  # reported once as a missing column
            rate = parse_rate(row.cells.get(code, RawCell(None, "General")))
            if isinstance(rate, str):
                errors.cell(sheet, row.number, code, rate)
            else:
                rates[code] = rate
        unit = _text(row, "don_vi") or (f"UBND {name}" if _COMMUNE_PREFIX.match(fold(name)) else f"UBND xã {name}")
        out.append(Commune(
            name=name, unit=unit, rates=rates, discipline=_discipline(row),
            province_mark=_province_mark(sheet, row, errors),
            choice=_choice(sheet, row, ("huyen",), errors),
            votes=_votes(sheet, row, config.council.size, errors),
            profile=Profile(
                address=_text(row, "dia_chi"), phone=_text(row, "dien_thoai"), email=_text(row, "email"),
                head=_text(row, "nguoi_dung_dau"), achievements=_narrative(row),
            ),
            row=row.number,
        ))
    if not sheet.rows:
        errors.lines.append(f"Sheet '{sheet.name}': không có xã nào dưới dòng tiêu đề.")
    return out


def _teams(sheet: RawSheet, communes: dict[str, Commune], config: Config, errors: Collector) -> list[Team]:
    out: list[Team] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in sheet.rows:
        name, village, commune = _text(row, "to"), _text(row, "thon"), _text(row, "xa")
        ok = True
        for column, value, what in (("to", name, "thiếu tên tổ"), ("thon", village, "thiếu tên thôn/tổ dân phố"),
                                    ("xa", commune, "thiếu tên xã")):
            if not value:
                errors.cell(sheet, row.number, column, what)
                ok = False
        known = communes.get(commune_key(commune)) if commune else None
        if commune and known is None:
            errors.cell(sheet, row.number, "xa", f"xã '{commune}' không có trong sheet '{COMMUNES.label}'")
            ok = False
        key = (commune_key(commune), fold(village), fold(name))
        if ok and key in seen:
            errors.cell(sheet, row.number, "to", f"'{name}' ({village}, {commune}) trùng với dòng {seen[key]}")
            ok = False
        seen.setdefault(key, row.number)
        score: Decimal | None = None
        cell = row.cells.get("diem")
        if cell is not None and not cell.blank:
            parsed = parse_number(cell, allow_percent_sign=False)
            if isinstance(parsed, str):
                errors.cell(sheet, row.number, "diem", parsed)
            elif parsed < 0:
                errors.cell(sheet, row.number, "diem", f"điểm {shown(cell)} không được âm")
            else:
                score = parsed
        choice = _choice(sheet, row, ("tinh", "huyen"), errors)
        votes = _votes(sheet, row, config.council.size, errors)
        if ok and known is not None:
            out.append(Team(
                field=sheet.spec.id, name=name, village=village, commune=known.name, choice=choice,
                score=score, discipline=_discipline(row), votes=votes,
                achievements=_narrative(row), sheet=sheet.name, row=row.number,
            ))
    return out


def _quota_errors(communes: list[Commune], teams: list[Team], sheets: dict[str, RawSheet], config: Config,
                  errors: Collector) -> None:
    """Explicit choices that break R5 or a quota of R7."""
    xa = sheets.get(COMMUNES.id)
    if xa is not None:
        for c in communes:
            if c.discipline and (c.province_mark or c.choice):
                column = "de_nghi_tinh" if c.province_mark else "de_xuat"
                errors.cell(xa, c.row, column, f"'{c.name}' được đề nghị nhưng không đủ điều kiện khen thưởng: {c.discipline}")
            if c.province_mark and c.choice:
                errors.cell(xa, c.row, "de_xuat", f"'{c.name}' đã đề nghị Bằng khen tỉnh nên không được đề xuất Giấy khen huyện")
        marked = [c for c in communes if c.province_mark]
        quota = config.quotas[("chuyen_doi_so", "bang_khen_tinh")]
        if len(marked) > quota:
            rows = ", ".join(f"{c.name} (dòng {c.row})" for c in marked)
            errors.lines.append(
                f"Sheet '{xa.name}', cột 'Đề nghị tỉnh': {len(marked)} xã được đánh dấu, vượt chỉ tiêu {quota}: {rows}")
        chosen = [c for c in communes if c.choice == "huyen"]
        quota = config.quotas[("chuyen_doi_so", "giay_khen_huyen")]
        if len(chosen) > quota:
            rows = ", ".join(f"{c.name} (dòng {c.row})" for c in chosen)
            errors.lines.append(
                f"Sheet '{xa.name}', cột 'Đề xuất': {len(chosen)} xã đề xuất 'huyện', vượt chỉ tiêu {quota}: {rows}")
    for spec in (TEAMS_CNSCD, TEAMS_DA06):
        sheet = sheets.get(spec.id)
        if sheet is None:
            continue
        mine = [t for t in teams if t.field == spec.id]
        for t in mine:
            if t.discipline and t.choice:
                errors.cell(sheet, t.row, "de_xuat", f"'{t.name}' được đề xuất nhưng không đủ điều kiện khen thưởng: {t.discipline}")
        province = [t for t in mine if t.choice == "tinh"]
        quota = config.quotas[(spec.id, "bang_khen_tinh")]
        if len(province) > quota:
            rows = ", ".join(f"{t.name} - {t.commune} (dòng {t.row})" for t in province)
            errors.lines.append(f"Sheet '{sheet.name}', cột 'Đề xuất': {len(province)} tổ đề xuất 'tỉnh', vượt chỉ tiêu {quota} của huyện: {rows}")
        by_commune: dict[str, list[Team]] = defaultdict(list)
        for t in mine:
            if t.choice == "huyen":
                by_commune[t.commune].append(t)
        quota = config.quotas[(spec.id, "giay_khen_huyen")]
        for commune, chosen_teams in by_commune.items():
            if len(chosen_teams) > quota:
                rows = ", ".join(f"{t.name} (dòng {t.row})" for t in chosen_teams)
                errors.lines.append(
                    f"Sheet '{sheet.name}', cột 'Đề xuất': xã {commune} đề xuất 'huyện' {len(chosen_teams)} tổ, vượt chỉ tiêu {quota} mỗi xã: {rows}"
                )


def read_candidates(path: Path, config: Config) -> Workbook:
    """Load and validate the workbook at ``path``; raises ``InputError`` listing every problem."""
    raw, problems = load_workbook(path)
    errors = Collector()
    errors.lines.extend(problems)
    sheets = {s.spec.id: s for s in raw}
    communes = _communes(sheets[COMMUNES.id], config, errors) if COMMUNES.id in sheets else []
    index = {commune_key(c.name): c for c in communes}
    teams: list[Team] = []
    for spec in (TEAMS_CNSCD, TEAMS_DA06):
        if spec.id in sheets:
            teams.extend(_teams(sheets[spec.id], index, config, errors))
    _quota_errors(communes, teams, sheets, config, errors)
    warnings = [f"Sheet '{s.name}': các dòng đang bị ẩn vẫn được tính: {', '.join(map(str, sorted(s.hidden)))}."
                for s in raw if s.hidden]
    warnings += [f"Sheet '{s.name}': bỏ qua dòng tổng cộng {', '.join(map(str, s.totals))} (không phải tập thể)."
                 for s in raw if s.totals]
    if errors.lines:
        raise InputError(
            f"{path.name}: có {len(errors.lines)} lỗi dữ liệu, chưa tạo hồ sơ nào. Sửa các lỗi sau rồi chạy lại:", errors.lines)
    return Workbook(path=str(path), communes=tuple(communes), teams=tuple(teams), warnings=tuple(warnings))


