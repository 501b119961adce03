"""The study and settings the cut-gzip pipeline tests share, and what they read back from a run's cache."""

from __future__ import annotations

import json
from pathlib import Path

STUDY = "GSE2221"  # 361 KB of gzip: far past the head checked at download (conftest.small_head)
FAST = {"read_timeout": 2.0, "max_attempts": 3, "backoff_base": 0.01, "backoff_max": 0.05, "retry_budget": 5.0}


def cached_soft(folder: Path) -> Path | None:
    found = list((folder / "cache").rglob(f"{STUDY}_family.soft.gz"))
    return found[0] if found else None


def verified(path: Path) -> object:
    return json.loads(path.with_name(f".{path.name}.meta.json").read_text())["verified"]
