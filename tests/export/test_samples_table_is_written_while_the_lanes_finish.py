"""``samples.parquet`` and ``features.parquet`` need where each sample went, not the parts' bytes, so
the export writes them while the writer lanes are still encoding, hashing and fsyncing their last
row groups — not after every lane is done. Here each lane's last part waits (up to a timeout) for
``samples.parquet`` to appear in the folder being built before it closes: it appears, and the export
is the same as ever (every file verified against its manifest, the samples table listing every
written sample). Also: the helper thread the gene lengths are built in (:func:`.export_threads.background_thread`)
hands back its result and its error."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog import export_parts
from rnacorpus.catalog.export import verify_export
from rnacorpus.catalog.export_threads import background_thread
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 400)


def test_the_samples_table_exists_before_any_lane_closes_its_last_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = [StudySpec(f"GSE{i}", [f"GSM{i}{j}" for j in range(10)], GENES[i:], seed=i) for i in range(1, 7)]
    catalog = build_catalog(tmp_path / "c", specs)
    out = tmp_path / "export"
    seen: list[bool] = []
    close = export_parts._Lane.close

    def close_once_samples_exist(lane: export_parts._Lane) -> None:
        deadline = time.monotonic() + 5
        while not (found := (lane.root / "samples.parquet").exists()) and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(found)
        close(lane)

    monkeypatch.setattr(export_parts._Lane, "close", close_once_samples_exist)
    result = catalog.export(out, genes="protein_coding", normalize="log1p_tpm", splits="train=0.5,test=0.5")
    assert seen and all(seen), f"samples.parquet was not there while the lanes finished: {seen}"
    assert verify_export(out) == []
    samples = pq.read_table(out / "samples.parquet")
    assert samples.num_rows == result.n_samples == 60
    paths = {entry["path"] for entry in result.files}
    assert {"samples.parquet", "features.parquet"} <= paths
    assert set(samples["part"].to_pylist()) <= paths


def test_a_call_handed_to_the_lengths_thread_runs_beside_the_caller_and_hands_back_its_result_or_error() -> None:
    submit = background_thread("rnacorpus-export-lengths").submit
    go = threading.Event()
    future = submit(lambda: go.wait(10) and 42)
    assert not future.done()  # the caller was not held up
    go.set()
    assert future.result(10) == 42

    def fails() -> None:
        raise ValueError("no lengths")

    with pytest.raises(ValueError, match="no lengths"):
        submit(fails).result(10)
