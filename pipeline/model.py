"""Typed records passed between stages: candidates, scores, proposals."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

FIELDS = ("chuyen_doi_so", "to_cnscd", "to_de_an_06")
AWARDS = ("bang_khen_tinh", "giay_khen_huyen")
CRITERIA = ("1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3")
GROUPS = {"1": ("1.1", "1.2"), "2": ("2.1", "2.2"), "3": ("3.1", "3.2", "3.3")}

FIELD_NAMES = {
    "chuyen_doi_so": "công tác chuyển đổi số",
    "to_cnscd": "hoạt động của Tổ công nghệ số cộng đồng",
    "to_de_an_06": "hoạt động của Tổ Đề án 06",
}
AWARD_NAMES = {
    "bang_khen_tinh": "Bằng khen của Chủ tịch UBND tỉnh",
    "giay_khen_huyen": "Giấy khen của Chủ tịch UBND huyện",
}


@dataclass(frozen=True)
class Profile:
    """Optional facts for the Form 07 report."""

    address: str = ""
    phone: str = ""
    email: str = ""
    head: str = ""
    achievements: str = ""


@dataclass(frozen=True)
class Commune:
    """One row of sheet Xa: a commune-level collective."""

    name: str
    unit: str
    rates: dict[str, Decimal]
    discipline: str | None
    province_mark: bool
    choice: str | None
    votes: int | None
    profile: Profile
    row: int


@dataclass(frozen=True)
class Team:
    """One row of a team sheet (To_CNSCD or To_DA06)."""

    field: str
    name: str
    village: str
    commune: str
    choice: str | None
    score: Decimal | None
    discipline: str | None
    votes: int | None
    achievements: str
    sheet: str
    row: int


@dataclass(frozen=True)
class Workbook:
    """Everything read from a year's candidates workbook."""

    path: str
    communes: tuple[Commune, ...]
    teams: tuple[Team, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommuneScore:
    """A commune's points under the R3 rubric and its R4 rank (None when ineligible)."""

    commune: Commune
    criteria: dict[str, Decimal]
    groups: dict[str, Decimal]
    total: Decimal
    rank: int | None
    eligible: bool
    reason: str | None


@dataclass(frozen=True)
class Proposal:
    """A collective proposed (or considered) for one award in one field."""

    award: str
    field: str
    unit: str
    commune: str
    score: Decimal | None
    rank: int | None
    basis: str  # "explicit", "score" or "province_mark"
    votes: int | None
    passed: bool | None  # None: votes not yet recorded
    candidate: Commune | Team

    @property
    def key(self) -> str:
        """A stable identifier of this proposal within a year."""
        village = self.candidate.village if isinstance(self.candidate, Team) else ""
        return "|".join([self.award, self.field, self.commune, village, self.unit])


@dataclass(frozen=True)
class Selection:
    """The outcome of R7 selection and R10 votes."""

    proposals: tuple[Proposal, ...]  # proposed: passed, or votes not recorded
    rejected: tuple[Proposal, ...]  # votes recorded and below the threshold
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def drafts(self) -> bool:
        """True when some proposal still waits for the council's vote."""
        return any(p.passed is None for p in self.proposals)
