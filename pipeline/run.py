"""Orchestrator: calls the stages in order (load, validate, score, select, then documents).

``prepare`` runs everything up to selection and is shared by ``validate``, ``score`` and
``build``; the document stages are added by ``build``.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config import CONFIG_NAME, Config, load_config
from pipeline.errors import ConversionError, EnvironmentProblem, InputError
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
    warnings = [*workbook.warnings, *selection.warnings]
    if config.document_date >= config.deadline:
        warnings.append(
            f"Ngày văn bản {config.document_date:%d/%m/%Y} không trước hạn nộp hồ sơ {config.deadline:%d/%m/%Y} "
            f"(khóa dates.document trong {CONFIG_NAME})."
        )
    return Prepared(folder, config, workbook, scores, selection, tuple(warnings))


@dataclass(frozen=True)
class Result:
    """What a build produced."""

    folder: Path
    dossiers: int
    documents: int
    converted: int
    warnings: tuple[str, ...]
    drafts: bool


def _why(e: OSError) -> str:
    """An OS error in the user's words."""
    if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"ổ đĩa đã đầy hoặc vượt giới hạn dung lượng ({e.strerror})"
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"không có quyền ghi ({e.strerror})"
    return e.strerror or str(e)


def _publish(tmp: Path, target: Path) -> None:
    """Swap the finished year folder into place; the previous one survives until the swap."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    try:
        tmp.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)
        raise
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


class _YearLock:
    """One build per output year at a time: a second one refuses clearly instead of interleaving."""

    def __init__(self, out_dir: Path, year: int) -> None:
        self.path = out_dir / f".{year}.lock"
        self.handle: Any = None

    def __enter__(self) -> _YearLock:
        import fcntl

        self.handle = self.path.open("w")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            self.handle.close()
            raise EnvironmentProblem(
                f"Đang có một lần chạy khác lập hồ sơ năm {self.path.name[1:5]} vào {self.path.parent}; "
                "chờ lần đó xong rồi chạy lại.") from e
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()
        self.path.unlink(missing_ok=True)


def build(input_dir: Path, out_dir: Path, year: int | None = None, workers: int | None = None,
          converter: str = "pool", timeout: float = 120.0,
          progress: Callable[[int, Path | None], None] | None = None) -> Result:
    """The whole pipeline: prepare, render, convert, bundle, publish ``out_dir/<year>``."""
    from pipeline import cache, convert, render  # deferred: `score` and `validate` need none of them

    started = time.perf_counter()
    prepared = prepare(input_dir, year)
    config = prepared.config
    # One minutes document serves every dossier; each proposal adds its Tờ trình and report.
    total = 2 + 2 * len(prepared.selection.proposals)
    report = progress or (lambda total, done: None)
    store = cache.DocumentCache(out_dir / ".cache" / str(config.year), convert.find_soffice())
    backend = convert.make_converter(converter, workers or convert.default_workers(), timeout,
                                     lambda source: report(total, source),
                                     lambda pdf: convert.finalize_pdf(pdf, config.document_date))
    try:
        if store.empty():
            backend.start()  # a cold build: the offices start while the templates are checked and filled
        renderer = render.Renderer(render.template_folder(prepared))
        render.check_templates(prepared, renderer)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            with _YearLock(out_dir, config.year):
                return _build_locked(prepared, renderer, backend, store, out_dir, report, started)
        except OSError as e:
            raise EnvironmentProblem(f"Lỗi ghi tệp trong {out_dir}: {_why(e)} ({e.filename or ''}); "
                                     "kết quả cũ được giữ nguyên.") from e
    finally:
        backend.close()


def _build_locked(prepared: Prepared, renderer: Any, backend: Any, store: Any, out_dir: Path,
                  report: Callable[[int, Path | None], None], started: float) -> Result:
    """Render, convert, bundle and publish, holding the year's lock."""
    from pipeline import bundle, render

    config = prepared.config
    base = render.base_context(prepared)
    jobs: list[tuple[str, dict[str, Any], str]] = [
        ("bien_ban", render.minutes_context(prepared, base), "bien_ban"),
        ("bang_tong_hop", render.summary_context(prepared, base), "bang_tong_hop"),
    ]
    for i, p in enumerate(prepared.selection.proposals):
        ctx = render.dossier_context(prepared, p, base)
        jobs += [("to_trinh", ctx, f"d{i:04d}_to_trinh"), ("bao_cao_thanh_tich", ctx, f"d{i:04d}_bao_cao")]
    total = len(jobs)
    report(total, None)
    logger.info("prepared %d documents in %.2f s", total, time.perf_counter() - started)
    for stale in [*out_dir.glob(f".{config.year}.tmp-*"), *out_dir.glob(f".{config.year}.old-*")]:
        shutil.rmtree(stale, ignore_errors=True)  # left by a run that was killed outright
    tmp = Path(tempfile.mkdtemp(prefix=f".{config.year}.tmp-", dir=out_dir))
    try:
        work = tmp / "_work"
        work.mkdir()
        fresh: dict[Path, str] = {}
        for name, ctx, stem in jobs:
            docx = work / f"{stem}.docx"
            key = store.key(renderer.folder / f"{name}.docx", ctx)
            if store.fetch(key, docx):
                report(total, docx)
                continue
            renderer.render(name, ctx, docx)
            backend.submit(docx, docx.with_suffix(".pdf"))  # converts while the next one renders
            fresh[docx] = key
        logger.info("rendered %d documents (%d from the cache) at %.2f s", total, total - len(fresh),
                    time.perf_counter() - started)
        failures = backend.finish() if fresh else []
        logger.info("converted %d documents at %.2f s", len(fresh), time.perf_counter() - started)
        failed = {f.source for f in failures}
        for docx, key in fresh.items():
            if docx not in failed:
                store.store(key, docx)
        if failures:
            raise ConversionError(
                f"{len(failures)} văn bản không chuyển được sang PDF; kết quả cũ trong {out_dir / str(config.year)} "
                "được giữ nguyên:", [f"{f.source.name}: {f.reason}" for f in failures])
        names = bundle.zip_names(prepared.selection.proposals)
        listed = []
        for i, p in enumerate(prepared.selection.proposals):
            files = {"to_trinh": work / f"d{i:04d}_to_trinh.docx", "bao_cao_thanh_tich": work / f"d{i:04d}_bao_cao.docx",
                     "bien_ban": work / "bien_ban.docx"}
            entries = {f"{bundle.DOC_NAMES[kind]}{suffix}": docx.with_suffix(suffix)
                       for kind, docx in files.items() for suffix in (".docx", ".pdf")}
            dossier = bundle.Dossier(p, names[p.key], entries)
            listed.append((dossier, bundle.write_zip(dossier, tmp)))
        shutil.copyfile(work / "bang_tong_hop.pdf", tmp / "bang_tong_hop_diem.pdf")
        (tmp / "bang_tong_hop_diem.xlsx").write_bytes(bundle.summary_xlsx(prepared))
        (tmp / "manifest.json").write_text(bundle.manifest(prepared, listed), encoding="utf-8")
        shutil.rmtree(work)
        tmp.chmod(0o755)  # mkdtemp makes it private; the year folder is for the office to read
        _publish(tmp, out_dir / str(config.year))
        store.prune()
        logger.info("published %s at %.2f s", out_dir / str(config.year), time.perf_counter() - started)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return Result(out_dir / str(config.year), len(prepared.selection.proposals), total, len(fresh),
                  prepared.warnings, prepared.selection.drafts)
