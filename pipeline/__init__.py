"""dossiers: score, select and build commendation dossiers for digital-transformation awards."""

from __future__ import annotations

__version__ = "0.1.0"
