"""Bundle stage: one zip per proposed collective and award, the manifest, the ranking summary.

Takes the rendered DOCX and converted PDF of each dossier; gives ``<award>-<field>-<unit>.zip``
files with ASCII names, ``manifest.json`` with the sha256 of every file inside each zip, and
``bang_tong_hop_diem.xlsx``. Zips are reproducible: sorted entries, fixed timestamps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from text_unidecode import unidecode

from pipeline.model import CRITERIA, Proposal
from pipeline.report import ranking_row

if TYPE_CHECKING:
    from pipeline.run import Prepared

MAX_SLUG = 60
FIXED_TIME = (2000, 1, 1, 0, 0, 0)
DOC_NAMES = {"to_trinh": "01_To_trinh", "bao_cao_thanh_tich": "02_Bao_cao_thanh_tich", "bien_ban": "03_Bien_ban_hop"}


def slug(text: str, limit: int = MAX_SLUG) -> str:
    """ASCII, lower case, dashes: safe on any filesystem ('Tổ CNSCĐ thôn Hạ' -> 'to-cnscd-thon-ha')."""
    ascii_text = unidecode(text.replace("Đ", "D").replace("đ", "d")).lower()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return text[:limit].rstrip("-") or "don-vi"


def zip_names(proposals: tuple[Proposal, ...]) -> dict[str, str]:
    """A unique zip file name per proposal key; long names are cut and made unique by a counter."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for p in proposals:
        unit = slug(p.unit) if p.field == "chuyen_doi_so" else f"{slug(p.unit, 40)}-{slug(p.commune, 20)}"
        base = f"{p.award}-{p.field}-{unit}"
        name, n = f"{base}.zip", 2
        while name in used:
            name, n = f"{base}-{n}.zip", n + 1
        used.add(name)
        names[p.key] = name
    return names


def fixed_zip(entries: dict[str, bytes]) -> bytes:
    """A zip of ``entries`` that is byte-identical for identical content. Entries are stored,
    not deflated: PDF and DOCX are compressed already (deflate saves under 5 % here)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            z.writestr(info, entries[name])
    return buffer.getvalue()


def normalize_zip(data: bytes, modified: dt.datetime | None = None) -> bytes:
    """Rewrite an Office file (a zip) with fixed timestamps, keeping its entry order; with
    ``modified``, its core properties' modification time too (openpyxl stamps the clock)."""
    out = io.BytesIO()
    # Level 1: the outer dossier zip deflates again; this one only has to be a valid Office file.
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = src.read(item.filename)
            if modified is not None and item.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + f"{modified:%Y-%m-%dT%H:%M:%SZ}".encode(), content)
            dst.writestr(info, content, compresslevel=1)
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Dossier:
    """One proposal's files, by their name inside the zip."""

    proposal: Proposal
    zip_name: str
    files: dict[str, Path]


def write_zip(dossier: Dossier, folder: Path) -> list[dict[str, str]]:
    """Write the dossier's zip into ``folder``; returns its manifest file list."""
    entries = {name: path.read_bytes() for name, path in dossier.files.items()}
    (folder / dossier.zip_name).write_bytes(fixed_zip(entries))
    return [{"name": name, "sha256": sha256(entries[name])} for name in sorted(entries)]


def manifest(prepared: Prepared, dossiers: list[tuple[Dossier, list[dict[str, str]]]]) -> str:
    """The manifest of SPEC §6, as text."""
    data = {
        "year": prepared.config.year,
        "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "drafts": prepared.selection.drafts,
        "dossiers": [
            {
                "award": d.proposal.award, "field": d.proposal.field, "unit": d.proposal.unit,
                "commune": d.proposal.commune,
                "score": float(d.proposal.score) if d.proposal.score is not None else None,
                "rank": d.proposal.rank, "zip": d.zip_name, "files": files,
            }
            for d, files in dossiers
        ],
        "ranking": [ranking_row(s) for s in prepared.scores],
        "rejected": [{"award": p.award, "field": p.field, "unit": p.unit, "commune": p.commune, "votes": p.votes}
                     for p in prepared.selection.rejected],
        "warnings": list(prepared.warnings),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def summary_xlsx(prepared: Prepared) -> bytes:
    """The ranking summary (Bảng tổng hợp điểm) as a workbook; every name is written as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Tong hop"
    year = prepared.config.year
    ws.append([f"BẢNG TỔNG HỢP ĐIỂM KHEN THƯỞNG CHUYỂN ĐỔI SỐ NĂM {year}"])
    ws.append([])
    header = ["Hạng", "Xã", "Đơn vị", *CRITERIA, "Nhóm 1", "Nhóm 2", "Nhóm 3", "Tổng điểm", "Đủ điều kiện", "Ghi chú"]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    ws["A1"].font = Font(bold=True, size=13)
    for s in prepared.scores:
        row = [s.rank, s.commune.name, s.commune.unit, *(s.criteria[k] for k in CRITERIA),
               *(s.groups[g] for g in ("1", "2", "3")), s.total, "Có" if s.eligible else "Không", s.reason or ""]
        ws.append([float(v) if hasattr(v, "as_tuple") else v for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a name starting with = + - @ stays text, never a formula
            elif isinstance(cell.value, float):
                cell.number_format = "0.00"
    for col, width in zip("ABCDEFGHIJKLMNOP", (6, 16, 26, 7, 7, 7, 7, 7, 7, 7, 8, 8, 8, 9, 10, 40), strict=False):
        ws.column_dimensions[col].width = width
    stamp = dt.datetime.combine(prepared.config.document_date, dt.time())
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "dossiers"
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalize_zip(buffer.getvalue(), modified=stamp)
