"""Convert stage: DOCX to PDF with headless LibreOffice, through one of three backends.

Takes (docx, pdf) jobs, submitted while rendering still goes on; gives the PDFs and a list of
the documents that failed. Backends:

- ``pool`` (default): N persistent LibreOffice workers, each a ``soffice`` with its own profile
  driven over UNO by ``uno_worker.py`` under the system Python. Restarted after a number of
  conversions and after a crash; a document past the timeout kills its worker, which restarts,
  and is retried once before it fails alone.
- ``batch``: one ``soffice --convert-to pdf`` process over the whole list.
- ``unoconv``: Debian's unoconv, kept because the design card names it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConversionError, EnvironmentProblem

logger = logging.getLogger(__name__)

BACKENDS = ("pool", "batch", "unoconv")
WORKER_SCRIPT = Path(__file__).with_name("uno_worker.py")
UNO_PYTHONS = ("/usr/bin/python3", "/usr/local/bin/python3")
INSTALL_HINT = "cài bằng: apt-get install -y libreoffice-writer-nogui fonts-liberation2"
RESTART_AFTER = 200  # conversions per worker before a fresh office (LibreOffice grows in memory)
BATCH_CHUNK = 200  # files per `soffice --convert-to` call


@dataclass(frozen=True)
class Failure:
    """A document that could not be converted, and why."""

    source: Path
    reason: str


MAX_DEFAULT_WORKERS = 6  # about 170 MB each: six stay well under 1.5 GB with the pipeline


def default_workers() -> int:
    """One worker more than the CPUs: a worker waits on its pipe between documents, and on the
    2-core machine measured, 3 workers finished a district year 8–10 % sooner than 2."""
    return min((os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)


def find_soffice() -> str:
    """The LibreOffice binary, or an ``EnvironmentProblem`` saying how to install it."""
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    raise EnvironmentProblem(f"LibreOffice (soffice) không có trên máy: {INSTALL_HINT}.")


def uno_python() -> str | None:
    """A Python that can import LibreOffice's ``uno`` bridge (Debian's python3-uno), if any."""
    for candidate in UNO_PYTHONS:
        if Path(candidate).is_file():
            ok = subprocess.run([candidate, "-c", "import uno"], env=_clean_env(), capture_output=True, timeout=30)
            if ok.returncode == 0:
                return candidate
    return None


def _clean_env() -> dict[str, str]:
    """The environment without virtualenv variables, for the system Python and LibreOffice."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env.setdefault("HOME", tempfile.gettempdir())
    return env


class Converter:
    """The interface of every backend: submit jobs (while the caller still renders), finish.

    ``post`` runs on each finished PDF (in the converting thread, so it overlaps with the next
    conversions) and returns what is wrong with it, if anything."""

    def __init__(self, timeout: float, progress: Callable[[Path], None] | None = None,
                 post: Callable[[Path], str | None] | None = None) -> None:
        self.timeout = timeout
        self.progress = progress or (lambda _: None)
        self.post = post or (lambda _: None)
        self.failures: list[Failure] = []

    def start(self) -> None:
        """Start converting early (the pool starts its offices); others start on finish()."""

    def submit(self, source: Path, target: Path) -> None:
        raise NotImplementedError

    def finish(self) -> list[Failure]:
        """Wait for every job; returns the failures."""
        raise NotImplementedError

    def close(self) -> None:
        """Stop whatever was started, even after an error."""


class _Worker:
    """One uno_worker.py process (and its soffice) in a process group of its own."""

    def __init__(self, python: str, soffice: str, index: int, profile_root: Path) -> None:
        self.python, self.soffice, self.index = python, soffice, index
        self.profile_root = profile_root
        self.profile = profile_root / f"worker-{index}"
        self.generation = 0
        self.proc: subprocess.Popen[str] | None = None
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.done = 0

    def start(self, fresh_profile: bool = False) -> None:
        if fresh_profile:
            # An office killed mid-document can leave its profile locked or half-written: the
            # next one gets a new profile rather than a start-up that may hang or exit.
            self.generation += 1
            self.profile = self.profile_root / f"worker-{self.index}-{self.generation}"
        pipe = f"dossiers_{os.getpid()}_{self.index}_{time.monotonic_ns()}"
        self.proc = subprocess.Popen(
            [self.python, str(WORKER_SCRIPT), self.soffice, str(self.profile), pipe],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=_clean_env(), start_new_session=True, bufsize=1,
        )
        self.lines = queue.Queue()
        self.done = 0
        threading.Thread(target=self._read, args=(self.proc, self.lines), daemon=True).start()

    @staticmethod
    def _read(proc: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    def wait_ready(self, timeout: float) -> None:
        reply = self._reply(timeout)
        if reply is None or not reply.get("ready"):
            error = reply.get("error") if reply else "không phản hồi"
            raise ConversionError(f"Không khởi động được LibreOffice (tiến trình {self.index}): {error}.")

    def _reply(self, timeout: float) -> dict[str, object] | None:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        return json.loads(line) if line else None

    def convert(self, source: Path, target: Path, timeout: float) -> str | None:
        """None when done; else why not (the worker is dead or hung and must be restarted)."""
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps({"in": str(source), "out": str(target)}) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return "tiến trình LibreOffice đã dừng"
        reply = self._reply(timeout)
        if reply is None:
            return f"quá thời gian {timeout:g} giây hoặc LibreOffice bị dừng đột ngột"
        self.done += 1
        return None if reply.get("ok") else f"LibreOffice báo lỗi: {reply.get('error')}"

    def stop(self, kill: bool = False) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if not kill and proc.stdin is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=15)
            except (OSError, subprocess.TimeoutExpired):
                kill = True
        if kill or proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


class PoolConverter(Converter):
    """Persistent LibreOffice workers fed from one queue."""

    def __init__(self, workers: int, timeout: float, progress: Callable[[Path], None] | None = None,
                 post: Callable[[Path], str | None] | None = None, restart_after: int = RESTART_AFTER) -> None:
        super().__init__(timeout, progress, post)
        python = uno_python()
        if python is None:
            raise EnvironmentProblem("Thiếu cầu nối Python của LibreOffice (python3-uno) cho bộ chuyển đổi 'pool': "
                                     "cài bằng: apt-get install -y python3-uno, hoặc dùng --converter batch.")
        self.soffice = find_soffice()
        self.python = python
        self.count = max(1, workers)
        self.restart_after = restart_after
        self.jobs: queue.Queue[tuple[Path, Path] | None] = queue.Queue()
        self.threads: list[threading.Thread] = []
        self.workers: list[_Worker] = []
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.fatal: list[BaseException] = []
        self.profile_root = Path(tempfile.mkdtemp(prefix="dossiers-lo-"))

    def submit(self, source: Path, target: Path) -> None:
        if not self.workers:
            self.start()  # lazily: a build served from the cache starts no office
        self.jobs.put((source, target))

    def start(self) -> None:
        for i in range(self.count):
            worker = _Worker(self.python, self.soffice, i, self.profile_root)
            worker.start()
            self.workers.append(worker)
            t = threading.Thread(target=self._run, args=(worker,), daemon=True)
            self.threads.append(t)
            t.start()

    def _restart(self, worker: _Worker, kill: bool) -> None:
        if self.closing.is_set():
            raise ConversionError("Đã dừng bộ chuyển đổi.")
        worker.stop(kill=kill)
        worker.start(fresh_profile=kill)
        try:
            worker.wait_ready(90)
        except ConversionError:
            logger.warning("worker %d did not start; trying once more with a new profile", worker.index)
            worker.stop(kill=True)
            worker.start(fresh_profile=True)
            worker.wait_ready(90)

    def _run(self, worker: _Worker) -> None:
        try:
            try:
                worker.wait_ready(90)
            except ConversionError:  # an office that dies while starting gets one more start
                if self.closing.is_set():
                    return
                logger.warning("worker %d did not start; trying once more with a new profile", worker.index)
                self._restart(worker, kill=True)
            while True:
                job = self.jobs.get()
                if job is None:
                    break
                source, target = job
                error = worker.convert(source, target, self.timeout)
                if error is not None:
                    logger.warning("worker %d: %s failed (%s); restarting and retrying once", worker.index, source.name, error)
                    self._restart(worker, kill=True)
                    error = worker.convert(source, target, self.timeout)
                    if error is not None:
                        with self.lock:
                            self.failures.append(Failure(source, error))
                        self._restart(worker, kill=True)
                elif worker.done >= self.restart_after:
                    self._restart(worker, kill=False)
                if error is None:
                    problem = self.post(target)
                    if problem is not None:
                        with self.lock:
                            self.failures.append(Failure(source, problem))
                self.progress(source)
        except BaseException as e:  # noqa: BLE001 — handed to the main thread
            with self.lock:
                self.fatal.append(e)
            # Drain so that finish() does not wait for jobs nobody will take.
            while True:
                try:
                    job = self.jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self.jobs.put(None)
                    break
                with self.lock:
                    self.failures.append(Failure(job[0], str(e)))

    def finish(self) -> list[Failure]:
        if not self.workers:
            return []
        for _ in self.threads:
            self.jobs.put(None)
        for t in self.threads:
            t.join()
        if self.fatal and len(self.fatal) == len(self.threads):
            raise self.fatal[0] if isinstance(self.fatal[0], ConversionError) else ConversionError(str(self.fatal[0]))
        return self.failures

    def close(self) -> None:
        self.closing.set()  # from now on no worker restarts
        for _ in self.threads:
            self.jobs.put(None)
        for worker in self.workers:
            worker.stop(kill=True)
        for t in self.threads:
            t.join(timeout=30)
        for worker in self.workers:  # one restarted while we were stopping the others
            worker.stop(kill=True)
        shutil.rmtree(self.profile_root, ignore_errors=True)


class _CommandConverter(Converter):
    """Backends that run one command over every submitted document."""

    def __init__(self, timeout: float, progress: Callable[[Path], None] | None = None,
                 post: Callable[[Path], str | None] | None = None) -> None:
        super().__init__(timeout, progress, post)
        self.jobs: list[tuple[Path, Path]] = []
        self._tmp = tempfile.TemporaryDirectory(prefix="dossiers-lo-")

    def submit(self, source: Path, target: Path) -> None:
        self.jobs.append((source, target))

    def command(self, sources: list[Path], outdir: Path) -> list[str]:
        raise NotImplementedError

    def finish(self) -> list[Failure]:
        # Sources may share a file name in different folders: link them under unique names first.
        staging = Path(self._tmp.name) / "in"
        outdir = Path(self._tmp.name) / "out"
        staging.mkdir()
        outdir.mkdir()
        names = []
        for i, (source, _) in enumerate(self.jobs):
            link = staging / f"d{i:05d}.docx"
            shutil.copyfile(source, link)
            names.append(link)
        # LibreOffice 7.4 silently stops after 247 files of one --convert-to call (measured here),
        # so the list goes in chunks.
        for start in range(0, len(names), BATCH_CHUNK):
            chunk = names[start:start + BATCH_CHUNK]
            try:
                subprocess.run(self.command(chunk, outdir), env=_clean_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=self.timeout * len(chunk) + 60, check=False,
                               start_new_session=True)
            except subprocess.TimeoutExpired as e:
                raise ConversionError(f"LibreOffice không xong sau {e.timeout:g} giây.") from e
        for link, (source, target) in zip(names, self.jobs, strict=True):
            produced = outdir / (link.stem + ".pdf")
            if produced.is_file():
                shutil.move(produced, target)
                problem = self.post(target)
                if problem is not None:
                    self.failures.append(Failure(source, problem))
            else:
                self.failures.append(Failure(source, "LibreOffice không tạo được PDF"))
            self.progress(source)
        return self.failures

    def close(self) -> None:
        self._tmp.cleanup()


class BatchConverter(_CommandConverter):
    """One ``soffice --convert-to pdf`` over the whole list, with a private profile."""

    def __init__(self, timeout: float, progress: Callable[[Path], None] | None = None,
                 post: Callable[[Path], str | None] | None = None) -> None:
        self.soffice = find_soffice()
        super().__init__(timeout, progress, post)

    def command(self, sources: list[Path], outdir: Path) -> list[str]:
        profile = (Path(self._tmp.name) / "profile").as_uri()
        return [self.soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
                "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir), *map(str, sources)]


class UnoconvConverter(_CommandConverter):
    """Debian's unoconv (deprecated upstream in favour of unoserver): one call over the list."""

    def __init__(self, timeout: float, progress: Callable[[Path], None] | None = None,
                 post: Callable[[Path], str | None] | None = None) -> None:
        find_soffice()
        self.unoconv = shutil.which("unoconv")
        self.python = uno_python()
        if self.unoconv is None or self.python is None:
            raise EnvironmentProblem("unoconv không có trên máy: cài bằng: apt-get install -y unoconv python3-uno.")
        super().__init__(timeout, progress, post)

    def command(self, sources: list[Path], outdir: Path) -> list[str]:
        # Run by the Python that has the uno bridge: unoconv's "env python3" may find another.
        assert self.python is not None and self.unoconv is not None
        return [self.python, self.unoconv, "--format", "pdf", "--output", f"{outdir}/", *map(str, sources)]


def make_converter(backend: str, workers: int, timeout: float, progress: Callable[[Path], None] | None = None,
                   post: Callable[[Path], str | None] | None = None) -> Converter:
    """The converter of the given backend."""
    if backend == "pool":
        return PoolConverter(workers, timeout, progress, post)
    if backend == "batch":
        return BatchConverter(timeout, progress, post)
    if backend == "unoconv":
        return UnoconvConverter(timeout, progress, post)
    raise ValueError(backend)


def check_pdf(path: Path) -> str | None:
    """None when ``path`` is a PDF that opens and shows text; else what is wrong."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) == 0:
                return "PDF không có trang nào"
            content = pdf.pages[0].obj.get("/Contents")
            data = b""
            streams = content if isinstance(content, pikepdf.Array) else [content]
            for s in streams:
                if s is not None:
                    data += s.read_bytes()
            if b"Tj" not in data and b"TJ" not in data:
                return "PDF không có chữ ở trang đầu"
    except Exception as e:  # pikepdf raises several kinds for a damaged file
        return f"PDF hỏng ({type(e).__name__}: {e})"
    return None


_CREATED = re.compile(rb"/CreationDate ?\(D:[^)]*\)")
_IDS = re.compile(rb"/ID ?\[ ?<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})> ?\]")
_CHECKSUM = re.compile(rb"/DocChecksum ?/([0-9A-Fa-f]{32})")


def finalize_pdf(path: Path, date: dt.date) -> str | None:
    """Check a PDF (opens, has text) and make it reproducible: the creation date from the
    configuration instead of the clock, and a document ID and checksum derived from the content.

    LibreOffice writes these three in plain text; they are patched in place at the same length
    (the date padded with spaces outside the string), so no cross-reference offset moves."""
    data = path.read_bytes()
    created = _CREATED.search(data)
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-64:] or created is None:
        return check_pdf(path) or "PDF không đúng dạng LibreOffice xuất ra"
    stamp = f"/CreationDate(D:{date:%Y%m%d}000000Z)".encode()
    if len(stamp) > created.end() - created.start():
        return "PDF có ngày tạo ngắn bất thường"
    data = data[:created.start()] + stamp.ljust(created.end() - created.start()) + data[created.end():]
    digest = hashlib.md5(_CHECKSUM.sub(b"", _IDS.sub(b"", data)), usedforsecurity=False).hexdigest().upper().encode()
    data = _IDS.sub(lambda m: m.group(0).replace(m.group(1), digest).replace(m.group(2), digest), data)
    data = _CHECKSUM.sub(lambda m: m.group(0).replace(m.group(1), digest), data)
    path.write_bytes(data)
    return check_pdf(path)
