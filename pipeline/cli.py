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
    from pipeline.run import prepare

    prepared = prepare(input_dir, year)
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
