"""Score reports: the JSON of ``dossiers score`` and its plain-text table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline.model import AWARD_NAMES, FIELD_NAMES, CommuneScore, Proposal

if TYPE_CHECKING:
    from pipeline.run import Prepared
from pipeline.score import display


def ranking_row(s: CommuneScore) -> dict[str, Any]:
    """One commune of the ranking as the JSON contract of SPEC §7 has it."""
    return {
        "commune": s.commune.name,
        "unit": s.commune.unit,
        "score": float(s.total),
        "rank": s.rank,
        "eligible": s.eligible,
        "reason": s.reason,
        "criteria": {code: float(points) for code, points in s.criteria.items()},
    }


def selected_row(p: Proposal) -> dict[str, Any]:
    """One proposal as the JSON contract has it."""
    return {"award": p.award, "field": p.field, "unit": p.unit, "commune": p.commune}


def score_json(prepared: Prepared) -> dict[str, Any]:
    """The ``dossiers score --format json`` document."""
    return {
        "year": prepared.config.year,
        "ranking": [ranking_row(s) for s in prepared.scores],
        "selected": [selected_row(p) for p in prepared.selection.proposals],
        "rejected": [selected_row(p) for p in prepared.selection.rejected],
        "warnings": list(prepared.warnings),
    }


def score_table(prepared: Prepared) -> str:
    """A readable ranking and selection for the terminal."""
    lines = [f"BẢNG TỔNG HỢP ĐIỂM NĂM {prepared.config.year}", ""]
    header = f"{'Hạng':>4}  {'Đơn vị':<32} {'Nhóm 1':>7} {'Nhóm 2':>7} {'Nhóm 3':>7} {'Tổng':>7}  Ghi chú"
    lines += [header, "-" * len(header)]
    for s in prepared.scores:
        rank = str(s.rank) if s.rank is not None else "-"
        note = f"Không đủ điều kiện: {s.reason}" if not s.eligible else ("Đề nghị tỉnh" if s.commune.province_mark else "")
        g = s.groups
        lines.append(f"{rank:>4}  {s.commune.unit[:32]:<32} {display(g['1']):>7} {display(g['2']):>7} "
                     f"{display(g['3']):>7} {display(s.total):>7}  {note}")
    lines += ["", "ĐỀ NGHỊ KHEN THƯỞNG"]
    for p in prepared.selection.proposals:
        score = f", {display(p.score)} điểm" if p.score is not None else ""
        lines.append(f"- {AWARD_NAMES[p.award]} – {FIELD_NAMES[p.field]}: {p.unit} ({p.commune}{score})")
    for p in prepared.selection.rejected:
        lines.append(f"- KHÔNG ĐẠT biểu quyết: {p.unit} ({p.commune}), {p.votes} phiếu")
    return "\n".join(lines)
