"""The project's one exception tree; every message is Vietnamese and names where and what."""

from __future__ import annotations


class PipelineError(Exception):
    """Raised when the pipeline cannot go on; the base class the CLI catches once."""

    exit_code = 1

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return "\n".join([self.message, *(f"  - {d}" for d in self.details)])


class InputError(PipelineError):
    """Raised when the workbook or the input folder holds errors (all of them are listed)."""


class ConfigError(InputError):
    """Raised when the year's configuration file is missing, malformed or inconsistent."""


class TieError(InputError):
    """Raised when a tie decides an award and the configuration names no tie-break."""


class TemplateError(PipelineError):
    """Raised when a template is missing, malformed or uses a variable the pipeline lacks."""


class EnvironmentProblem(PipelineError):
    """Raised when the machine lacks something the run needs (LibreOffice, a writable folder)."""

    exit_code = 3


class ConversionError(EnvironmentProblem):
    """Raised when LibreOffice fails, hangs or crashes while converting a document."""
