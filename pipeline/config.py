"""The year's configuration: reads ``config.toml`` of an input folder into a typed ``Config``.

Takes a folder path; gives a ``Config`` or raises ``ConfigError`` listing every problem.
Everything that changes from year to year (authority, dates, weights, quotas, proposers,
council, template set) lives here, never in code.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.model import AWARDS, CRITERIA, FIELDS, GROUPS

CONFIG_NAME = "config.toml"


@dataclass(frozen=True)
class Person:
    """A named person with a title (council member, chair, secretary)."""

    name: str
    title: str


@dataclass(frozen=True)
class Proposer:
    """The issuer of a Tờ trình for one field and award (R8).

    Strings may hold {xa}/{XA} (the commune's name) and {don_vi}/{DON_VI} (its unit, e.g.
    "UBND thị trấn Vôi"), lower/upper case, for proposers that are the communes themselves.
    """

    agency: str
    name: str
    parent: str
    symbol: str
    number: str
    capacity: str
    title: str
    signer: str
    recipient: str
    cc: tuple[str, ...]

    def for_commune(self, commune: str, unit: str) -> Proposer:
        """This proposer with the commune placeholders filled in."""

        def sub(text: str) -> str:
            for key, value in (("{xa}", commune), ("{XA}", commune.upper()), ("{don_vi}", unit), ("{DON_VI}", unit.upper())):
                text = text.replace(key, value)
            return text

        return Proposer(
            agency=sub(self.agency), name=sub(self.name), parent=sub(self.parent), symbol=sub(self.symbol),
            number=self.number, capacity=sub(self.capacity), title=sub(self.title),
            signer=sub(self.signer), recipient=sub(self.recipient),
            cc=tuple(sub(c) for c in self.cc),
        )


@dataclass(frozen=True)
class Period:
    """A results period; ``before`` marks an exclusive end ("đến trước ngày")."""

    start: dt.date
    end: dt.date
    exclusive_end: bool


@dataclass(frozen=True)
class Council:
    """The Emulation and Commendation Council that votes (R10) and its meeting."""

    name: str
    agency: str
    place: str
    start: str
    end: str
    number: str
    symbol: str
    chair: Person
    secretary: Person
    members: tuple[Person, ...]
    min_votes: int

    @property
    def size(self) -> int:
        """Members entitled to vote: chair, secretary and the others."""
        return 2 + len(self.members)


@dataclass(frozen=True)
class Config:
    """One year's parameters."""

    path: Path
    year: int
    template_set: str
    province: str
    district: str
    place: str
    district_agency: str
    document_date: dt.date
    meeting_date: dt.date
    deadline: dt.date
    periods: dict[str, Period]
    weights: dict[str, Decimal]
    tie_break: tuple[str, ...]
    quotas: dict[tuple[str, str], int]
    legal_bases: tuple[str, ...]
    guidance: str
    form: str
    council: Council
    proposers: dict[tuple[str, str], Proposer]

    def proposer(self, field: str, award: str, commune: str, unit: str) -> Proposer:
        """The proposer for a field and award, specialised to a commune."""
        return self.proposers[(field, award)].for_commune(commune, unit)


class _Reader:
    """Typed access to the parsed TOML that collects every problem instead of stopping."""

    def __init__(self, data: dict[str, Any], name: str) -> None:
        self.data = data
        self.name = name
        self.errors: list[str] = []

    def _get(self, path: str) -> Any:
        node: Any = self.data
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def fail(self, path: str, what: str) -> None:
        self.errors.append(f"{self.name}, khóa '{path}': {what}")

    def text(self, path: str, default: str | None = None) -> str:
        value = self._get(path)
        if value is None and default is not None:
            return default
        if not isinstance(value, str):
            self.fail(path, "thiếu hoặc không phải chuỗi ký tự" if value is None else f"phải là chuỗi ký tự, không phải {value!r}")
            return ""
        return unicodedata.normalize("NFC", value.strip())

    def texts(self, path: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self._get(path)
        if value is None and default is not None:
            return default
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(path, "phải là danh sách chuỗi ký tự")
            return ()
        return tuple(unicodedata.normalize("NFC", v.strip()) for v in value)

    def date(self, path: str) -> dt.date:
        value = self._get(path)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        self.fail(path, "thiếu" if value is None else f"phải là ngày dạng 2023-09-20, không phải {value!r}")
        return dt.date(1900, 1, 1)

    def integer(self, path: str, default: int | None = None, minimum: int = 0) -> int:
        value = self._get(path)
        if value is None and default is not None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(path, "thiếu" if value is None else f"phải là số nguyên ≥ {minimum}, không phải {value!r}")
            return minimum
        return value

    def person(self, path: str) -> Person:
        return Person(name=self.text(f"{path}.name"), title=self.text(f"{path}.title"))


def load_config(folder: Path) -> Config:
    """Read and check ``config.toml`` in ``folder``."""
    path = folder / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(f"Không tìm thấy tệp cấu hình {path}: mỗi thư mục năm cần một tệp {CONFIG_NAME}.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: tệp không ở mã UTF-8 ({e}). Lưu lại tệp với mã UTF-8.") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: sai cú pháp TOML: {e}") from e
    r = _Reader(data, path.name)

    weights: dict[str, Decimal] = {}
    for code in CRITERIA:
        table = data.get("weights")
        value = table.get(code) if isinstance(table, dict) else None
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value < 0:
            r.fail(f"weights.\"{code}\"", "thiếu trọng số" if value is None else f"trọng số phải là số ≥ 0, không phải {value!r}")
            weights[code] = Decimal(0)
        else:
            weights[code] = Decimal(value)

    periods: dict[str, Period] = {}
    for f in FIELDS:
        start = r.date(f"periods.{f}.start")
        if r._get(f"periods.{f}.before") is not None:
            before = r.date(f"periods.{f}.before")
            periods[f] = Period(start, before, exclusive_end=True)
        else:
            periods[f] = Period(start, r.date(f"periods.{f}.end"), exclusive_end=False)
        if periods[f].end < start:
            r.fail(f"periods.{f}", "ngày kết thúc trước ngày bắt đầu")

    quotas = {(f, a): r.integer(f"quotas.{f}.{a}", minimum=0) for f in FIELDS for a in AWARDS}

    tie_break = r.texts("selection.tie_break", default=())
    for key in tie_break:
        if key not in CRITERIA and key not in GROUPS:
            r.fail("selection.tie_break", f"'{key}' không phải mã tiêu chí (1.1…3.3) hay nhóm (1, 2, 3)")

    members = r._get("council.members")
    people: list[Person] = []
    if not isinstance(members, list) or not members:
        r.fail("council.members", "cần danh sách thành viên Hội đồng ({name = …, title = …})")
    else:
        for i, _ in enumerate(members):
            people.append(Person(name=_member(r, members, i, "name"), title=_member(r, members, i, "title")))
    council = Council(
        name=r.text("council.name"), agency=r.text("council.agency", default="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"),
        place=r.text("council.place"), start=r.text("council.start"),
        end=r.text("council.end"), number=r.text("council.number", default=""),
        symbol=r.text("council.symbol", default="BB-HĐTĐKT"),
        chair=r.person("council.chair"), secretary=r.person("council.secretary"),
        members=tuple(people), min_votes=0,
    )
    majority = council.size // 2 + 1
    min_votes = r.integer("council.min_votes", default=majority, minimum=1)
    if min_votes > council.size:
        r.fail("council.min_votes", f"{min_votes} lớn hơn số thành viên Hội đồng ({council.size})")
    council = Council(**{**council.__dict__, "min_votes": min_votes})

    proposers: dict[tuple[str, str], Proposer] = {}
    for f in FIELDS:
        for a in AWARDS:
            p = f"proposers.{f}.{a}"
            proposers[(f, a)] = Proposer(
                agency=r.text(f"{p}.agency"), name=r.text(f"{p}.name"), parent=r.text(f"{p}.parent", default=""),
                symbol=r.text(f"{p}.symbol"), number=r.text(f"{p}.number", default=""),
                capacity=r.text(f"{p}.capacity"), title=r.text(f"{p}.title", default=""),
                signer=r.text(f"{p}.signer", default=""), recipient=r.text(f"{p}.recipient"),
                cc=r.texts(f"{p}.cc"),
            )

    year = r.integer("year", minimum=1900)
    config = Config(
        path=path, year=year, template_set=r.text("template_set"),
        province=r.text("authority.province"), district=r.text("authority.district"),
        place=r.text("authority.place"), district_agency=r.text("authority.district_agency"),
        document_date=r.date("dates.document"), meeting_date=r.date("dates.meeting"),
        deadline=r.date("dates.deadline"), periods=periods, weights=weights,
        tie_break=tie_break, quotas=quotas, legal_bases=r.texts("legal.bases"),
        guidance=r.text("legal.guidance"), form=r.text("legal.form"),
        council=council, proposers=proposers,
    )
    if r.errors:
        raise ConfigError(f"Tệp cấu hình {path} có {len(r.errors)} lỗi:", r.errors)
    return config


def _member(r: _Reader, members: list[Any], i: int, key: str) -> str:
    item = members[i]
    value = item.get(key) if isinstance(item, dict) else None
    if not isinstance(value, str) or not value.strip():
        r.fail(f"council.members[{i + 1}].{key}", "thiếu hoặc rỗng")
        return ""
    return unicodedata.normalize("NFC", value.strip())
