"""Score stage: the R3 rubric in exact decimal arithmetic, R5 eligibility and R4 ranking.

Takes the communes of a ``Workbook`` and the year's weights; gives ``CommuneScore`` records in
ranking order (eligible by total, highest first, then the ineligible).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pipeline.config import Config
from pipeline.load import fold
from pipeline.model import CRITERIA, GROUPS, Commune, CommuneScore

HUNDRED = Decimal(100)


def display(value: Decimal | None, places: int = 2) -> str:
    """Vietnamese display of a number: rounded half up, decimal comma (26.025 -> '26,03')."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    text = format(value.quantize(quantum, rounding=ROUND_HALF_UP), "f")
    return text.replace(".", ",")


def rate_display(value: Decimal) -> str:
    """A rate as written in reports: up to two decimals, comma, no trailing zeros (85,5)."""
    text = display(value)
    return text.rstrip("0").rstrip(",") if "," in text else text


def score_commune(commune: Commune, config: Config) -> tuple[dict[str, Decimal], dict[str, Decimal], Decimal]:
    """Points per criterion and group and the total of one commune."""
    criteria = {code: commune.rates[code] / HUNDRED * config.weights[code] for code in CRITERIA}
    groups = {g: sum((criteria[c] for c in codes), Decimal(0)) for g, codes in GROUPS.items()}
    return criteria, groups, sum(groups.values(), Decimal(0))


def score_all(communes: tuple[Commune, ...], config: Config) -> list[CommuneScore]:
    """Score, rank (competition ranking 1, 2, 2, 4) and order every commune."""
    rows = []
    for commune in communes:
        criteria, groups, total = score_commune(commune, config)
        rows.append((commune, criteria, groups, total))
    eligible = sorted((r for r in rows if r[0].discipline is None), key=lambda r: (-r[3], fold(r[0].name)))
    ineligible = sorted((r for r in rows if r[0].discipline is not None), key=lambda r: (-r[3], fold(r[0].name)))
    out: list[CommuneScore] = []
    for position, (commune, criteria, groups, total) in enumerate(eligible, start=1):
        rank = out[-1].rank if out and out[-1].total == total else position
        out.append(CommuneScore(commune, criteria, groups, total, rank, True, None))
    for commune, criteria, groups, total in ineligible:
        out.append(CommuneScore(commune, criteria, groups, total, None, False, commune.discipline))
    return out


def tie_key(score: CommuneScore, config: Config) -> tuple[Decimal, ...]:
    """The ordering key of a commune: total, then the configured tie-break criteria or groups."""
    extra = [score.groups[k] if k in GROUPS else score.criteria[k] for k in config.tie_break]
    return (score.total, *extra)
