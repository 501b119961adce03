"""Export memory does not grow with the number of samples: four times the samples, the same peak.

Two catalogs of studies of 50 samples × 4,000 genes (exported over the 20,120 protein-coding genes
of the reference, so 80 KB of values per sample), one with four times as many studies as the
other, are exported into one split in fresh subprocesses with small row groups (32 samples) and a
small metadata window, so that both exports run at the writer's steady state. Each child exports
once to warm up (imports, the gene reference, DuckDB's cache of the catalog, allocator pools), resets
the kernel's peak-RSS mark (``/proc/self/clear_refs``), exports again and reports its peak RSS and
its peak allocations (Python and NumPy through ``tracemalloc``, Arrow through its memory pool). The
larger export writes ~145 MB more values; had the export kept them (or any per-sample copy of
values), both peaks would be higher by about that much. The test allows a tenth of it in
allocations (per-sample bookkeeping is a few hundred bytes; the two runs differ by ~6 MB) and half
in RSS, which also moves with DuckDB's cache and the allocators' retained pages (up to ~40 MB
between two runs on a busy machine). glibc's allocator is told to return large blocks at once,
so that RSS shows what the export holds rather than the allocator's history.
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
import json, sys, tracemalloc
from pathlib import Path
import pyarrow
from rnacorpus.catalog import export_parts, export_write
from rnacorpus.catalog.api import Catalog

export_parts.ROW_GROUP_BYTES = 32 * 4 * int(sys.argv[3])  # 32 samples a row group
export_write.METADATA_WINDOW = 128

def status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)

catalog = Catalog.open(Path(sys.argv[1]) / "catalog.duckdb")
options = dict(genes="protein_coding", normalize="log1p_tpm", splits="train=1.0")
catalog.export(Path(sys.argv[2]) / "warm", **options)
Path("/proc/self/clear_refs").write_text("5")
tracemalloc.start()
result = catalog.export(Path(sys.argv[2]) / "all", **options)
allocated = tracemalloc.get_traced_memory()[1] + pyarrow.default_memory_pool().max_memory()
print(json.dumps({"samples": result.n_samples, "peak": status("VmHWM"), "allocated": allocated}))
"""


def _catalog(root: Path, studies: int) -> Path:
    specs = [StudySpec(f"GSE{i}", [f"GSM{i}_{j:03d}" for j in range(PER_STUDY)], GENES, seed=i) for i in range(studies)]
    build_catalog(root, specs)
    return root


def _rise(catalog: Path, out: Path) -> dict[str, int]:
    # glibc's allocator otherwise keeps freed blocks of a few MiB in its arenas (its mmap threshold
    # grows after the first free), so RSS would show the allocator's history, not what is held
    env = os.environ | {"MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_ARENA_MAX": "2"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(catalog), str(out), str(WIDTH)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.slow
def test_four_times_the_samples_raise_peak_memory_by_far_less_than_their_values(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("needs Linux /proc/self/clear_refs to reset the peak-RSS mark")
    small = _rise(_catalog(tmp_path_factory.mktemp("small"), SMALL), tmp_path_factory.mktemp("out-small"))
    large = _rise(_catalog(tmp_path_factory.mktemp("large"), LARGE), tmp_path_factory.mktemp("out-large"))
    assert (small["samples"], large["samples"]) == (SMALL * PER_STUDY, LARGE * PER_STUDY)
    extra_values = (LARGE - SMALL) * PER_STUDY * WIDTH * 4
    assert large["allocated"] - small["allocated"] < extra_values / 10, (small, large, extra_values)
    assert large["peak"] - small["peak"] < extra_values / 2, (small, large, extra_values)
