"""Orchestrator: calls the stages in order (load, validate, score, select, then documents).

``prepare`` runs everything up to selection and is shared by ``validate``, ``score`` and
``build``; the document stages are added by ``build``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import CONFIG_NAME, Config, load_config
from pipeline.errors import InputError
from pipeline.load import find_workbook
from pipeline.model import CommuneScore, Selection, Workbook
from pipeline.score import score_all
from pipeline.selection import select
from pipeline.validate import read_candidates

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """Everything known before documents are made."""

    folder: Path
    config: Config
    workbook: Workbook
    scores: list[CommuneScore]
    selection: Selection
    warnings: tuple[str, ...]


def resolve_input(folder: Path, year: int | None = None) -> Path:
    """The year folder: ``folder`` itself, or ``folder/<year>`` (the newest year when none is given)."""
    if (folder / CONFIG_NAME).is_file():
        return folder
    years = sorted(p for p in folder.iterdir() if p.is_dir() and p.name.isdigit()) if folder.is_dir() else []
    if year is not None and (folder / str(year) / CONFIG_NAME).is_file():
        return folder / str(year)
    if year is None and years:
        return years[-1]
    raise InputError(f"Không tìm thấy {CONFIG_NAME} trong {folder}" + (f" hay {folder / str(year)}." if year else "."))


def prepare(folder: Path, year: int | None = None) -> Prepared:
    """Load, validate, score and select one year's input."""
    folder = resolve_input(folder, year)
    config = load_config(folder)
    if year is not None and config.year != year:
        raise InputError(f"{config.path}: năm trong cấu hình là {config.year}, khác với --year {year}.")
    workbook = read_candidates(find_workbook(folder), config)
    scores = score_all(workbook.communes, config)
    selection = select(scores, workbook, config)
    warnings = list(selection.warnings)
    if config.document_date >= config.deadline:
        warnings.append(
            f"Ngày văn bản {config.document_date:%d/%m/%Y} không trước hạn nộp hồ sơ {config.deadline:%d/%m/%Y} "
            f"(khóa dates.document trong {CONFIG_NAME})."
        )
    return Prepared(folder, config, workbook, scores, selection, tuple(warnings))
