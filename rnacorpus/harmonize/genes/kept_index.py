"""A reference's gene index kept on disk, so a process loads it instead of building it.

:func:`~rnacorpus.harmonize.genes.index.gene_index` builds its lookup tables (one per identifier
kind and symbol level, transcripts and name history included) from the whole reference: ~0.35 CPU-s
per organism in every process that maps genes, paid in a harvest right after the parse, before the
gene-level shard can be written. :func:`kept_index` builds the index once and keeps its tables
(pickled, written atomically) in the local cache; a later process loads them in ~0.05 s.

A kept file is found only through its name's key, a digest of:

- the sha256 of every file the reference was read from (its table and companions, each checked
  against its pin when it was read: :func:`~rnacorpus.harmonize.genes.reference.load_reference`);
- every module of this package (the index rules and the reference reader among them);
- the pyarrow and numpy versions whose objects the file pickles;

so what a process loads is what it would have built from the same files with the same code. A
reference read from nothing on disk (built in memory, a test's) has no sources and is built every
time. A file that cannot be read, or whose tables do not fit the reference, is built again; a folder
that cannot be written only costs speed. Files of this organism under an older key are deleted when
a new one is written (only names this module gives, in its own folder). The cache holds pickles: it
must be as private as the rest of the user's cache (the ontology's derived tables live beside it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import logging
import os
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rnacorpus.fileio import atomic_write, sha256_of_files

if TYPE_CHECKING:
    from rnacorpus.harmonize.genes.index import GeneIndex
    from rnacorpus.harmonize.genes.reference import GeneReference

__all__ = ["index_cache_dir", "index_path", "kept_index"]

log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).parent
#: the names this module writes: ``index-<organism>-<key>.pickle``
_OWN_NAME = re.compile(r"index-(?P<organism>[a-z_]+)-[0-9a-f]{64}\.pickle")


def index_cache_dir() -> Path:
    """``$RNACORPUS_GENE_INDEX_CACHE`` or ``<rnacorpus cache>/genes`` (local: a raw cache on object
    storage keeps it in its local spool, as the ontology's compiled tables)."""
    override = os.environ.get("RNACORPUS_GENE_INDEX_CACHE")
    if override:
        return Path(override)
    from rnacorpus.config import Config

    return Config.from_env().local_cache_dir / "genes"


@functools.cache
def _code_key() -> str:
    import numpy
    import pyarrow

    return f"{sha256_of_files(_PACKAGE, ('*.py',))} pyarrow {pyarrow.__version__} numpy {numpy.__version__}"


def index_path(reference: GeneReference, folder: Path) -> Path | None:
    """Where ``reference``'s index is kept under ``folder``; None for a reference read from no file."""
    if not reference.sources:
        return None
    digest = hashlib.sha256("\n".join([_code_key(), *reference.sources]).encode())
    return folder / f"index-{reference.organism.key}-{digest.hexdigest()}.pickle"


def kept_index(
    reference: GeneReference, build: Callable[[GeneReference], GeneIndex], folder: Path | None = None
) -> GeneIndex:
    """``build(reference)``, or the same index loaded from where an earlier process kept it."""
    path = index_path(reference, folder or index_cache_dir())
    if path is None:
        return build(reference)
    loaded = _load(path, reference)
    if loaded is not None:
        return loaded
    index = build(reference)
    fields = {f.name: getattr(index, f.name) for f in dataclasses.fields(index) if f.name != "reference"}
    try:
        with atomic_write(path) as handle:
            pickle.dump(fields, handle, protocol=pickle.HIGHEST_PROTOCOL)
        _drop_older(path, reference.organism.key)
    except OSError as exc:
        log.warning("cannot keep the gene index %s (%s); it will be built again", path, exc)
    return index


def _load(path: Path, reference: GeneReference) -> GeneIndex | None:
    from rnacorpus.harmonize.genes.index import GeneIndex

    try:
        with path.open("rb") as handle:
            fields: dict[str, Any] = pickle.load(handle)
        index = GeneIndex(reference=reference, **fields)
        if len(index.ensembl_ids) != reference.n_genes:  # a file that is not this reference's
            raise ValueError(f"{len(index.ensembl_ids)} genes, the reference has {reference.n_genes}")
        return index
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file: built again and rewritten
        log.warning("kept gene index %s is unreadable (%s); rebuilding", path, exc)
        return None


def _drop_older(kept: Path, organism: str) -> None:
    """Delete this organism's indexes under other keys (only files this module names that way)."""
    for other in kept.parent.iterdir():
        match = _OWN_NAME.fullmatch(other.name)
        if match and match["organism"] == organism and other != kept:
            with contextlib.suppress(FileNotFoundError):
                other.unlink()
