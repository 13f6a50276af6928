"""Document cache: a DOCX and its finished PDF, keyed by everything that decides their bytes.

The key hashes the template file, the render context, the LibreOffice build and this package's
rendering and conversion code, so a hit is byte-identical to what a clean build would make.
It lives beside the output (``<out>/.cache/<year>/``), is safe to delete, and keeps only the
entries the last successful build used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_CODE = ("render.py", "convert.py", "uno_worker.py", "bundle.py")


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def office_fingerprint(soffice: str | None) -> str:
    """Identifies the LibreOffice build: its versionrc (or the binary's size and time)."""
    if soffice is None:
        return "none"
    program = Path(os.path.realpath(soffice)).parent
    versionrc = program / "versionrc"
    if versionrc.is_file():
        return _file_hash(versionrc)
    st = Path(os.path.realpath(soffice)).stat()
    return f"{st.st_size}-{st.st_mtime_ns}"


class DocumentCache:
    """Finished documents by content key."""

    def __init__(self, folder: Path, soffice: str | None) -> None:
        self.folder = folder
        here = Path(__file__).resolve().parent
        code = "".join(_file_hash(here / name) for name in _CODE)
        self.salt = hashlib.sha256(f"{office_fingerprint(soffice)}|{code}".encode()).hexdigest()
        self.used: set[str] = set()
        self._templates: dict[Path, str] = {}

    def empty(self) -> bool:
        """True when nothing is cached for this year (a first or cold build)."""
        return not self.folder.is_dir() or not any(self.folder.iterdir())

    def key(self, template: Path, context: dict[str, Any]) -> str:
        """The key of the document ``template`` filled with ``context``."""
        if template not in self._templates:
            self._templates[template] = _file_hash(template)
        text = json.dumps(context, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(f"{self.salt}|{self._templates[template]}|{text}".encode()).hexdigest()

    def fetch(self, key: str, docx: Path) -> bool:
        """Place the cached DOCX and PDF at ``docx`` and beside it; False on a miss."""
        self.used.add(key)
        src = self.folder / key[:2] / key
        if not (src.with_suffix(".docx").is_file() and src.with_suffix(".pdf").is_file()):
            return False
        for suffix in (".docx", ".pdf"):
            _link_or_copy(src.with_suffix(suffix), docx.with_suffix(suffix))
        return True

    def store(self, key: str, docx: Path) -> None:
        """Keep a finished DOCX and its PDF; a failure to cache never fails the build."""
        dst = self.folder / key[:2] / key
        try:
            dst.parent.mkdir(parents=True, exist_ok=True)
            for suffix in (".pdf", ".docx"):  # the .docx last: its presence marks a complete entry
                tmp = dst.with_suffix(suffix + ".tmp")
                tmp.unlink(missing_ok=True)
                _link_or_copy(docx.with_suffix(suffix), tmp)  # nothing writes to these files later
                tmp.replace(dst.with_suffix(suffix))
        except OSError as e:
            logger.warning("cache: could not store %s: %s", key, e)

    def prune(self) -> None:
        """Remove every entry the last build did not use."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*/*"):
            if path.name.split(".")[0] not in self.used:
                path.unlink(missing_ok=True)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
