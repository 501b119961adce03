"""Export memory does not grow with the number of samples: four times the samples, the same peak.

One catalog of 48 studies of 50 samples × 4,000 genes (exported over the 20,120 protein-coding
genes of the reference, so 80 KB of values per sample). A fresh subprocess exports all of it once
to warm up (imports, the gene reference, DuckDB's cache of the catalog, allocator pools), then
exports a quarter of it (12 studies, by ``where``) and all of it, twice each, alternating, into one
split with small row groups (32 samples) and a small metadata window so that both run at the
writer's steady state. Before each measured export it collects garbage, trims the C heap and resets
the kernel's peak-RSS mark (``/proc/self/clear_refs``); the export's *rise* is its peak RSS minus
the RSS it started from, and each size keeps the smaller of its two rises. Same process, same
catalog: the two sizes differ only in the samples exported, not in what the process had cached
before. Arrow allocates from the C heap (``ARROW_DEFAULT_MEMORY_POOL=system``) and glibc returns
large blocks at once (``MALLOC_MMAP_THRESHOLD_``), so RSS shows what the export holds rather than
an allocator's retained pages.

The larger export writes 1,800 samples (~145 MB of values) more. Had it kept them, or any
per-sample copy of a fifth of its values (16 KB a sample), its rise would exceed the smaller one's
by more than the bound, a fifth of those values. The per-sample bookkeeping an export does keep
(plan rows, where each sample went: a few KB a sample with Arrow's buffers) stays well under it
(~6-15 MB apart measured on a loaded 2-core machine). Python's own allocations (``tracemalloc``,
NumPy included; no allocator noise) must stay within a tenth.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 4000)
#: the export's width: every protein-coding gene of the reference (the ones a shard lacks are NaN)
WIDTH = len(reference_genes(9606, "protein_coding", 10**6))
PER_STUDY = 50
SMALL, LARGE = 12, 48  # studies

CHILD = r"""
import ctypes, gc, json, sys, tracemalloc
from pathlib import Path
from rnacorpus.catalog import export_metadata, export_parts
from rnacorpus.catalog.api import Catalog

export_parts.ROW_GROUP_BYTES = 32 * 4 * int(sys.argv[3])  # 32 samples a row group
export_metadata.METADATA_WINDOW = 128
libc = ctypes.CDLL("libc.so.6")
small = "study_accession IN (" + ", ".join(f"'GSE{i}'" for i in range(int(sys.argv[4]))) + ")"

def status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)

catalog = Catalog.open(Path(sys.argv[1]) / "catalog.duckdb")
options = dict(genes="protein_coding", normalize="log1p_tpm", splits="train=1.0", overwrite=True)
catalog.export(Path(sys.argv[2]) / "warm", **options)

def measure(where):
    gc.collect()
    libc.malloc_trim(0)
    Path("/proc/self/clear_refs").write_text("5")
    start = status("VmRSS")
    tracemalloc.start()
    result = catalog.export(Path(sys.argv[2]) / "all", where=where, **options)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"samples": result.n_samples, "rise": status("VmHWM") - start, "traced": traced}

runs = [measure(where) for where in (small, None, small, None)]
out = {}
for name, pair in (("small", runs[0::2]), ("large", runs[1::2])):
    out[name] = {"samples": pair[0]["samples"], "rise": min(r["rise"] for r in pair),
                 "traced": min(r["traced"] for r in pair), "rises": [r["rise"] for r in pair]}
print(json.dumps(out))
"""


def _child(catalog: Path, out: Path) -> dict[str, dict[str, int]]:
    # glibc's allocator otherwise keeps freed blocks of a few MiB in its arenas (its mmap threshold
    # grows after the first free), and Arrow's mimalloc keeps freed pages: RSS would show their
    # history, not what the export holds
    env = os.environ | {
        "MALLOC_MMAP_THRESHOLD_": "131072",
        "MALLOC_ARENA_MAX": "2",
        "ARROW_DEFAULT_MEMORY_POOL": "system",
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(catalog), str(out), str(WIDTH), str(SMALL)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found: dict[str, dict[str, int]] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.slow
def test_four_times_the_samples_raise_peak_memory_by_far_less_than_their_values(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    if not Path("/proc/self/clear_refs").exists() or not sys.platform.startswith("linux"):
        pytest.skip("needs Linux /proc/self/clear_refs to reset the peak-RSS mark")
    root = tmp_path_factory.mktemp("catalog")
    specs = [StudySpec(f"GSE{i}", [f"GSM{i}_{j:03d}" for j in range(PER_STUDY)], GENES, seed=i) for i in range(LARGE)]
    build_catalog(root, specs)
    found = _child(root, tmp_path_factory.mktemp("out"))
    small, large = found["small"], found["large"]
    assert (small["samples"], large["samples"]) == (SMALL * PER_STUDY, LARGE * PER_STUDY)
    extra_values = (LARGE - SMALL) * PER_STUDY * WIDTH * 4
    # the export does hold its values a row group at a time: the rise is real, and the bound is not vacuous
    assert small["rise"] > 32 * WIDTH * 4, found
    assert large["traced"] - small["traced"] < extra_values / 10, found
    assert large["rise"] - small["rise"] < extra_values / 5, found
