"""Shared fixtures: where the real archive corpus lives and what its manifest says.

The corpus (``../shared/corpus`` beside the repository, or ``$RNACORPUS_CORPUS``) is read in place,
never copied into the repo.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def corpus_root() -> Path:
    env = os.environ.get("RNACORPUS_CORPUS")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class CorpusFile:
    path: Path  # absolute
    rel: str  # as in MANIFEST.tsv
    format: str
    accession: str
    notes: str
    sha256: str
    size: int


def load_manifest() -> list[CorpusFile]:
    root = corpus_root()
    manifest = root / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        CorpusFile(
            path=root / row["path"],
            rel=row["path"],
            format=row["format"],
            accession=row["accession"],
            notes=row["notes"],
            sha256=row["sha256"],
            size=int(row["bytes"]),
        )
        for row in rows
    ]


@pytest.fixture(scope="session")
def corpus() -> Path:
    root = corpus_root()
    if not (root / "MANIFEST.tsv").exists():
        pytest.fail(f"the shared corpus is missing: expected {root}/MANIFEST.tsv (set RNACORPUS_CORPUS)")
    return root


@pytest.fixture(scope="session")
def manifest() -> list[CorpusFile]:
    rows = load_manifest()
    if not rows:
        pytest.fail(f"no MANIFEST.tsv under {corpus_root()}")
    return rows
