"""Tables derived from the ontology index, kept on disk beside the index's own compiled tables.

Some rules read the ontology through tables they build from the whole ``names`` table on first use
(the tissue-name vocabulary of :mod:`.class_heads`, the tissue names and adjectives of
:mod:`.name_pairs`, the respelling words of :mod:`.respell`): ~1.1 s of CPU in every process that
harmonizes, paid again by each build process of every run. :func:`derived_table` builds such a table
once and keeps it (pickled, written atomically) under the index's cache folder; a later process
loads it in ~0.1 s.

The file's name carries :func:`code_key`, a digest of every module of this package (the rules, the
normalizers, the index and ``ONTOLOGY_RULES_VERSION`` among them) and of its reviewed tables
(``data/*.tsv``: a curated row edited without a code change must not meet a table built before);
the folder is the index's own ``<cache>/ontology/<release_key>/``. A table is reused only by the same
code and tables over the same ontology releases, so what a process loads is what it would have built.
A file that cannot be read is built again; a folder that cannot be written only costs speed. Files
of an older code key under the same name are deleted when a new one is written (they are this
module's own names in this module's own folder); the cache holds pickles, so it must be as private
as the rest of the user's cache.
"""

from __future__ import annotations

import functools
import logging
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rnacorpus.fileio import atomic_write, remove_other_versions, sha256_of_files

if TYPE_CHECKING:
    from rnacorpus.harmonize.ontology.index import OntologyIndex

__all__ = ["code_key", "derived_table"]

log = logging.getLogger(__name__)

T = TypeVar("T")

_PACKAGE = Path(__file__).parent
#: the folder under the index's cache folder, and the shape of the names this module writes there
_FOLDER = "derived"
_OWN_NAME = re.compile(r"(?P<name>[a-z_]+)-[0-9a-f]{64}\.pickle")


def code_key(package: Path | None = None) -> str:
    """sha256 of every module and reviewed table of ``package`` (this one by default, computed once per
    process), in name order: a change to any rule or curated row gives a new key."""
    return _own_key() if package is None else _digest(package)


@functools.cache
def _own_key() -> str:
    return _digest(_PACKAGE)


def _digest(package: Path) -> str:
    return sha256_of_files(package, ("*.py", "data/*.tsv"))


def derived_table(index: OntologyIndex, name: str, build: Callable[[], T]) -> T:
    """``build()``'s table for ``index``, from the disk cache when this code has kept it there.

    Only the process-wide index loaded from a cache folder has one; any other index (a test's
    small one) gets ``build()`` every time."""
    folder = index.cache_folder
    if folder is None or not _OWN_NAME.fullmatch(f"{name}-{'0' * 64}.pickle"):
        return build()
    path = folder / _FOLDER / f"{name}-{code_key()}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # type: ignore[no-any-return]
    except FileNotFoundError:
        pass
    except Exception as exc:  # a damaged file: built again and rewritten
        log.warning("derived ontology table %s is unreadable (%s); rebuilding", path, exc)
    table = build()
    try:
        with atomic_write(path) as handle:
            pickle.dump(table, handle, protocol=pickle.HIGHEST_PROTOCOL)
        remove_other_versions(path, _OWN_NAME, "name", name)
    except OSError as exc:
        log.warning("cannot keep the derived ontology table %s (%s); it will be built again", path, exc)
    return table
