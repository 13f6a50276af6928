"""Command line: ``dossiers validate | score | build``. Thin: parses options, calls the library."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from pipeline.errors import PipelineError

logger = logging.getLogger("pipeline")

INPUT = click.option(
    "--input", "input_dir", required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Thư mục của năm: config.toml và một tệp .xlsx (hoặc thư mục cha chứa các năm).",
)


def _fail_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's errors into a message and the documented exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PipelineError as e:
            click.echo(f"Lỗi: {e}", err=True)
            sys.exit(e.exit_code)

    return wrapper


def _interrupted(error: BaseException | None) -> bool:
    """True when Ctrl-C or SIGTERM caused ``error``, even if a library turned it into another
    error on its way out (zipfile does, when interrupted while writing)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _warn(warnings: tuple[str, ...] | list[str]) -> None:
    for w in warnings:
        click.echo(f"Cảnh báo: {w}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="Ghi nhật ký chi tiết (-vv: gỡ lỗi).")
@click.version_option(package_name="dossiers")
def main(verbose: int) -> None:
    """Chấm điểm, xét chọn và lập hồ sơ khen thưởng chuyển đổi số.

    \b
    Ví dụ:
      dossiers validate --input input/2023
      dossiers score --input input/2023 --format json
      dossiers build --input input/2023 --out output
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@main.command()
@INPUT
@click.option("--year", type=int, help="Năm cần kiểm tra khi --input là thư mục chứa nhiều năm.")
@_fail_cleanly
def validate(input_dir: Path, year: int | None) -> None:
    """Chỉ kiểm tra dữ liệu, cấu hình và mẫu văn bản; không tạo tệp nào.

    \b
    Ví dụ:
      dossiers validate --input input/2023
    """
    from pipeline.render import check_templates
    from pipeline.run import prepare

    prepared = prepare(input_dir, year)
    check_templates(prepared)
    _warn(prepared.warnings)
    wb = prepared.workbook
    click.echo(
        f"Dữ liệu hợp lệ: {len(wb.communes)} xã, {len(wb.teams)} tổ; "
        f"{len(prepared.selection.proposals)} đơn vị được đề nghị khen thưởng."
    )


@main.command()
@INPUT
@click.option("--year", type=int, help="Năm cần chấm khi --input là thư mục chứa nhiều năm.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Bảng cho người đọc hoặc JSON cho máy.")
@_fail_cleanly
def score(input_dir: Path, year: int | None, fmt: str) -> None:
    """Chấm điểm, xếp hạng và xét chọn; không tạo văn bản.

    \b
    Ví dụ:
      dossiers score --input input/2023
      dossiers score --input input/2023 --format json > diem.json
    """
    from pipeline.report import score_json, score_table
    from pipeline.run import prepare

    prepared = prepare(input_dir, year)
    _warn(prepared.warnings)
    if fmt == "json":
        click.echo(json.dumps(score_json(prepared), ensure_ascii=False, indent=2))
    else:
        click.echo(score_table(prepared))


@main.command()
@INPUT
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục kết quả; hồ sơ của năm nằm trong <out>/<năm>/.")
@click.option("--year", type=int, help="Năm cần lập khi --input là thư mục chứa nhiều năm.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Số tiến trình LibreOffice chạy song song (mặc định: số CPU + 1, tối đa 6).")
@click.option("--converter", type=click.Choice(["pool", "batch", "unoconv"]), default="pool", show_default=True,
              help="Cách chuyển DOCX sang PDF.")
@click.option("--timeout", type=click.FloatRange(1, 3600), default=120, show_default=True,
              help="Số giây tối đa cho một văn bản trước khi LibreOffice bị dừng và thử lại.")
@_fail_cleanly
def build(input_dir: Path, out_dir: Path, year: int | None, workers: int | None, converter: str, timeout: float) -> None:
    """Lập toàn bộ hồ sơ: chấm điểm, điền mẫu, chuyển PDF, nén zip.

    \b
    Ví dụ:
      dossiers build --input input/2023 --out output
      dossiers build --input input --year 2023 --out output --workers 2
    """
    import signal
    import threading

    from pipeline.run import build as run_build

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # unwinds like Ctrl-C: offices stopped, temporary files removed

    signal.signal(signal.SIGTERM, stop)

    lock = threading.Lock()
    bar: Any = None

    def progress(total: int, done: Path | None) -> None:
        nonlocal bar
        with lock:
            if bar is None:
                bar = click.progressbar(length=total, label="Chuyển sang PDF", file=sys.stderr)
                bar.__enter__()
            if done is not None:
                bar.update(1)

    try:
        result = run_build(input_dir, out_dir, year=year, workers=workers, converter=converter, timeout=timeout,
                           progress=progress)
    except BaseException as e:
        if not _interrupted(e):
            raise
        click.echo("\nĐã dừng theo yêu cầu: không có hồ sơ nào được thay, kết quả cũ (nếu có) giữ nguyên.", err=True)
        sys.exit(130)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    _warn(result.warnings)
    reused = result.documents - result.converted
    click.echo(f"Đã lập {result.dossiers} hồ sơ ({result.documents} văn bản: {result.converted} mới chuyển PDF, "
               f"{reused} dùng lại từ lần chạy trước) trong {result.folder}/")
    click.echo(f"Bảng tổng hợp điểm: {result.folder}/bang_tong_hop_diem.pdf và .xlsx; danh mục: {result.folder}/manifest.json")
    if result.drafts:
        click.echo("Lưu ý: chưa ghi đủ số phiếu biểu quyết, các văn bản là BẢN DỰ THẢO (dòng biểu quyết để trống).")
