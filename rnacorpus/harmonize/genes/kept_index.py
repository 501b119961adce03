"""A reference's gene index and tables kept on disk, so a process loads them instead of building them.

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

The reference's own tables are kept the same way (:func:`kept_table`): a Parquet file of the
reference (zstd level 19, ~0.1-0.2 CPU-s to decode the three of an organism) is read once and kept as
an uncompressed Arrow file, memory-mapped by later processes (~1 ms). It is found by the sha256 the
reader has just computed of the Parquet file (and checked against its pin) and the pyarrow version
that decoded it, so it holds what that file decodes to; the Parquet file stays the reference.
"""

from __future__ import annotations

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

import pyarrow as pa
import pyarrow.ipc as ipc

from rnacorpus.fileio import atomic_write, remove_other_versions, sha256_of_files

if TYPE_CHECKING:
    from rnacorpus.harmonize.genes.index import GeneIndex
    from rnacorpus.harmonize.genes.reference import GeneReference

__all__ = ["index_cache_dir", "index_path", "kept_index", "kept_table"]

log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).parent
#: the names this module writes: ``index-<organism>-<key>.pickle`` and ``table-<file stem>-<key>.arrow``
_OWN_NAME = re.compile(r"index-(?P<organism>[a-z_]+)-[0-9a-f]{64}\.pickle")
_TABLE_NAME = re.compile(r"table-(?P<stem>[A-Za-z0-9_.]+)-[0-9a-f]{64}\.arrow")


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
        remove_other_versions(path, _OWN_NAME, "organism", reference.organism.key)
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


def kept_table(path: Path, sha256: str, folder: Path | None = None) -> pa.Table:
    """The table of the Parquet file ``path`` whose bytes have the digest ``sha256`` (the caller
    has just computed it): memory-mapped from the kept Arrow copy, or read and then kept."""
    import pyarrow.parquet as pq

    digest = hashlib.sha256(f"{sha256} pyarrow {pa.__version__}".encode()).hexdigest()
    stem = path.name.removesuffix(".parquet")
    kept = (folder or index_cache_dir()) / f"table-{stem}-{digest}.arrow"
    if not _TABLE_NAME.fullmatch(kept.name):  # a name this module would not recognise as its own
        return pq.read_table(path)
    try:
        return ipc.open_file(pa.memory_map(str(kept))).read_all()
    except FileNotFoundError:
        pass
    except (OSError, pa.ArrowInvalid) as exc:  # a damaged copy: read again and rewritten
        log.warning("kept reference table %s is unreadable (%s); reading %s", kept, exc, path.name)
    table = pq.read_table(path)
    try:
        with atomic_write(kept) as handle, ipc.new_file(handle, table.schema) as writer:
            writer.write_table(table)
        remove_other_versions(kept, _TABLE_NAME, "stem", stem)
    except OSError as exc:
        log.warning("cannot keep the reference table %s (%s); it will be read again", kept, exc)
    return table
