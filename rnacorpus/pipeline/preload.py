"""What every build process needs, loaded once in the fork server so each forked build process inherits it.

The local pool's build processes are forked by a ``forkserver`` (:mod:`.executor`), which imports
its preload modules before it forks anything; its one preload module, :mod:`._forkserver_preload`,
runs :func:`warm_build_process` there: the modules of :data:`MODULES`, the process-wide ontology
index, the tables derived from it on first use (tissue-name vocabulary, tissue names and adjectives,
respelling words, name stems, stage spans, cell-line labels) and the curated tables. Each build
process paid these on its first studies (measured on the generated 100k corpus: imports ~0.6 s,
index ~0.35 s, derived tables ~1.1 s built or ~0.1 s from :mod:`~rnacorpus.harmonize.ontology.derived`);
now the fork server pays them once per run, and it starts at the beginning of the run
(:func:`.executor.build_executor`), beside the driver's first fetches.

Nothing here changes what a build produces: every table is the one the build would load itself,
from the same files, keyed the same way (the index is the process-wide one, ``get_index()``). The
fork server then freezes its objects into the collector's permanent generation (:func:`gc.freeze`),
so that the children's collections do not walk them (nor touch, hence copy, their memory pages).

A build in any other process (the one build thread of ``--workers 1``, a cluster's worker) calls
:func:`warm_beside` as it starts: the same ontology tables are loaded by a thread of its own beside
the study's parse, instead of by the metadata step after it. There they stood on the harvest's
critical path, and worse: loaded while the expression step mapped probes, the two threads fought for
the GIL (the mapping's ~230 short Arrow calls each waited behind the unpickling), so the gene-level
shard, which waits for the mapping, started late. Measured on the 1 GB family SOFT (one build, the
same package; five interleaved rounds under load 4-5): the harmonize step and the writes after the
parse took 2.06-4.78 s (median 3.10) before, 0.92-1.82 s (median 1.03) with the tables loaded beside
the parse, whose CPU grew by ~0.3 s (median 6.97 -> 7.29 s).

A metadata-only study never loads the gene reference (checked: ``reference._load_default`` is not
called while building the generated corpus), so it is not preloaded: a study with expression tables
loads it in its build process when it needs it.
"""

from __future__ import annotations

import gc
import importlib
import logging
import threading
import time

__all__ = ["MODULES", "warm_beside", "warm_build_process"]

log = logging.getLogger(__name__)

#: the modules a build process imports for its first study (the worker, the load plan, GEO's source
#: and the HTTP client it builds, the pool's rate-limit client)
MODULES = (
    "rnacorpus.pipeline.worker",
    "rnacorpus.pipeline.plan",
    "rnacorpus.pipeline.pool_limits",
    "rnacorpus.harvester.http",
    "rnacorpus.harvester.geo.source",
)


#: the ontology tables are loaded (or a thread loads them) in this process; a process forked from a
#: warmed fork server inherits the flag
_warm = False
_warm_lock = threading.Lock()


def warm_beside() -> None:
    """Load the ontology index and its derived tables in a thread of this process, once per process
    (nothing when they are loaded or loading); a build that needs them meanwhile waits on their own locks."""
    global _warm
    with _warm_lock:
        if _warm:
            return
        _warm = True
    threading.Thread(target=_warm_quietly, name="rnacorpus-warm-ontology", daemon=True).start()


def _warm_quietly() -> None:
    try:
        _warm_ontology()
    except Exception as exc:  # the metadata step meets (and reports) the same problem on the study
        log.debug("could not load the ontology beside the parse: %s", exc)


def warm_build_process(*, freeze: bool = False) -> float:
    """Import :data:`MODULES` and load the ontology index with its derived tables; returns seconds spent.

    Best effort: a failure here is logged and left to the build, which loads the same things on its
    own and reports the error where it belongs (on the study that needs them)."""
    global _warm
    started = time.perf_counter()
    try:
        for name in MODULES:
            importlib.import_module(name)
        _warm_ontology()
        _warm = True
    except Exception as exc:  # the build will meet (and report) the same problem on its own
        log.warning("could not preload the ontology for the build processes: %s", exc)
    if freeze:  # only in the fork server: what it holds now lives as long as the process
        gc.freeze()
    return time.perf_counter() - started


def _warm_ontology() -> None:
    # each call is the lazily built, per-index (or per-process) table a build would build on first use
    from rnacorpus.harmonize.ontology import (
        assay,
        class_heads,
        curated,
        dropped_adjective,
        name_pairs,
        respell,
        stage,
        unread_parts,
    )
    from rnacorpus.harmonize.ontology.index import get_index

    index = get_index()
    index._cell_labels()
    class_heads._vocabulary(index)
    name_pairs._tissue_names(index)
    respell._words(index)
    dropped_adjective._dropped(index)
    unread_parts._stems(index)
    for prefix in stage._ONTOLOGY.values():
        stage._spans(prefix, index)
    curated.curation_stamp()
    curated.curated_table()
    curated.cell_line_table()
    curated.taxa()
    curated.cell_origins()
    assay.assay_patterns()
