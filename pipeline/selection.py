"""Selection stage: who is proposed for which award (R7), eligibility (R5), ties (R4), votes (R10).

Takes the ranked ``CommuneScore`` list, the ``Workbook`` teams and the ``Config``; gives a
``Selection`` or raises ``TieError`` when a tie decides an award and no tie-break is configured.
Explicit choices were checked against the quotas by ``validate``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TypeVar

from pipeline.config import Config
from pipeline.errors import TieError
from pipeline.load import COMMUNES, TEAMS_CNSCD, TEAMS_DA06, fold
from pipeline.model import AWARD_NAMES, FIELD_NAMES, CommuneScore, Proposal, Selection, Team, Workbook
from pipeline.score import display, tie_key

logger = logging.getLogger(__name__)
T = TypeVar("T")
SHEET_LABEL = {"chuyen_doi_so": COMMUNES.label, "to_cnscd": TEAMS_CNSCD.label, "to_de_an_06": TEAMS_DA06.label}


def _top(items: Sequence[T], key: Callable[[T], tuple[Decimal, ...]], quota: int, name: Callable[[T], str],
         what: str, how: str) -> list[T]:
    """The ``quota`` best items; a tie across the cut raises ``TieError`` naming the tied units."""
    ordered = sorted(items, key=lambda i: tuple(-k for k in key(i)))
    if len(ordered) <= quota:
        return list(ordered)
    cut = key(ordered[quota - 1]) if quota else None
    if cut is not None and key(ordered[quota]) == cut:
        tied = [i for i in ordered if key(i) == cut]
        names = "; ".join(f"{name(i)} ({display(key(i)[0])} điểm)" for i in tied)
        seats = quota - sum(1 for i in ordered[:quota] if key(i) != cut)
        raise TieError(
            f"Hòa điểm khi chọn {what}: {len(tied)} đơn vị bằng điểm tranh {seats} suất. "
            "Phần mềm không tự chọn thay Hội đồng.",
            [f"Các đơn vị bằng điểm: {names}.",
             f"Ghi lựa chọn của Hội đồng: {how}",
             "Hoặc đặt quy tắc phân định trong config.toml, ví dụ [selection] tie_break = [\"1\", \"3.1\"] "
             "(so điểm nhóm tiêu chí 1, rồi tiêu chí 3.1)."],
        )
    return ordered[:quota]


def _vote(p: Proposal, config: Config) -> Proposal:
    votes = p.candidate.votes
    passed = None if votes is None else votes >= config.council.min_votes
    return Proposal(**{**p.__dict__, "votes": votes, "passed": passed})


def _commune_proposals(scores: list[CommuneScore], config: Config) -> list[Proposal]:
    field = "chuyen_doi_so"
    out = []
    for s in scores:
        if s.commune.province_mark:
            out.append(Proposal("bang_khen_tinh", field, s.commune.unit, s.commune.name, s.total, s.rank,
                                "province_mark", None, None, s.commune))
    explicit = [s for s in scores if s.commune.choice == "huyen"]
    quota = config.quotas[(field, "giay_khen_huyen")]
    if explicit:
        chosen, basis = explicit, "explicit"
    else:
        pool = [s for s in scores if s.eligible and not s.commune.province_mark]
        chosen = _top(pool, lambda s: tie_key(s, config), quota, lambda s: s.commune.unit,
                      f"{AWARD_NAMES['giay_khen_huyen']} ({FIELD_NAMES[field]})",
                      f"ghi 'huyện' vào cột 'Đề xuất' của xã được chọn trên sheet '{COMMUNES.label}'.")
        basis = "score"
    for s in chosen:
        out.append(Proposal("giay_khen_huyen", field, s.commune.unit, s.commune.name, s.total, s.rank,
                            basis, None, None, s.commune))
    return out


def _team_label(t: Team) -> str:
    return f"{t.name} ({t.village}, {t.commune})"


def _team_proposals(teams: list[Team], field: str, config: Config, warnings: list[str]) -> list[Proposal]:
    sheet = SHEET_LABEL[field]
    out: list[Proposal] = []

    def propose(award: str, t: Team, basis: str) -> None:
        out.append(Proposal(award, field, t.name, t.commune, t.score, None, basis, None, None, t))

    province = [t for t in teams if t.choice == "tinh"]
    if province:
        for t in province:
            propose("bang_khen_tinh", t, "explicit")
    else:
        pool = [t for t in teams if t.discipline is None and t.score is not None and t.choice is None]
        quota = config.quotas[(field, "bang_khen_tinh")]
        for t in _top(pool, lambda t: (t.score,), quota, _team_label,  # type: ignore[arg-type, return-value]
                      f"{AWARD_NAMES['bang_khen_tinh']} ({FIELD_NAMES[field]})",
                      f"ghi 'tỉnh' vào cột 'Đề xuất' của tổ được chọn trên sheet '{sheet}'."):
            propose("bang_khen_tinh", t, "score")
        if not pool and quota:
            warnings.append(f"Sheet '{sheet}': chưa có tổ nào được đề xuất {AWARD_NAMES['bang_khen_tinh']} "
                            "(không tổ nào ghi 'tỉnh' ở cột 'Đề xuất' hay có 'Điểm').")
    taken = {id(p.candidate) for p in out}
    communes = sorted({t.commune for t in teams}, key=fold)
    quota = config.quotas[(field, "giay_khen_huyen")]
    for commune in communes:
        mine = [t for t in teams if t.commune == commune]
        explicit = [t for t in mine if t.choice == "huyen"]
        if explicit:
            for t in explicit:
                propose("giay_khen_huyen", t, "explicit")
            continue
        pool = [t for t in mine if t.discipline is None and t.score is not None and t.choice is None and id(t) not in taken]
        chosen = _top(pool, lambda t: (t.score,), quota, _team_label,  # type: ignore[arg-type, return-value]
                      f"{AWARD_NAMES['giay_khen_huyen']} ({FIELD_NAMES[field]}) của xã {commune}",
                      f"ghi 'huyện' vào cột 'Đề xuất' của tổ được chọn trên sheet '{sheet}'.")
        for t in chosen:
            propose("giay_khen_huyen", t, "score")
        if not chosen and quota:
            warnings.append(f"Sheet '{sheet}': xã {commune} chưa có tổ nào được đề xuất {AWARD_NAMES['giay_khen_huyen']} "
                            "(không tổ đủ điều kiện nào ghi 'huyện' ở cột 'Đề xuất' hay có 'Điểm').")
    return out


def select(scores: list[CommuneScore], workbook: Workbook, config: Config) -> Selection:
    """Apply R7 quotas, R4 ties and R10 votes."""
    warnings: list[str] = []
    proposals = _commune_proposals(scores, config)
    for field in ("to_cnscd", "to_de_an_06"):
        teams = [t for t in workbook.teams if t.field == field]
        proposals.extend(_team_proposals(teams, field, config, warnings))
    voted = [_vote(p, config) for p in proposals]
    rejected = [p for p in voted if p.passed is False]
    for p in rejected:
        warnings.append(f"{p.unit} ({p.commune}) không được đề nghị {AWARD_NAMES[p.award]}: "
                        f"{p.votes}/{config.council.size} phiếu đồng ý, cần ít nhất {config.council.min_votes}.")
    kept = [p for p in voted if p.passed is not False]
    if any(p.passed is None for p in kept):
        warnings.append("Chưa ghi số phiếu đồng ý của Hội đồng cho mọi đơn vị: biên bản để trống dòng biểu quyết, "
                        "các văn bản là bản dự thảo.")
    logger.info("selected %d proposals, %d rejected by vote", len(kept), len(rejected))
    return Selection(tuple(kept), tuple(rejected), tuple(warnings))
