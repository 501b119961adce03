"""An export never puts one physical sample (sample_id) or one identity cluster in two splits, and
exports each physical sample once — whatever samples the studies share (property test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnacorpus.catalog.connection import connect_reader
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 8)


def naive_clusters(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """sample → sample_id and sample → cluster, by a plain union over (study, sample_id) pairs."""
    con = connect_reader(path, sandbox=False)
    try:
        rows = con.execute(
            "SELECT ss.study_accession, s.accession, s.sample_id FROM study_samples ss "
            "JOIN samples s ON s.accession = ss.sample_accession"
        ).fetchall()
    finally:
        con.close()
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for study, _, sample_id in rows:
        a, b = find("study:" + study), find("id:" + sample_id)
        if a != b:
            parent[a] = b
    return {acc: sid for _, acc, sid in rows}, {acc: find("id:" + sid) for _, acc, sid in rows}


links = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2), st.integers(0, 3)), max_size=8)


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shared=links, seed=st.text(min_size=1, max_size=4))
def test_no_sample_or_cluster_in_two_splits(
    tmp_path_factory: pytest.TempPathFactory, shared: list[tuple[int, int, int]], seed: str
) -> None:
    specs = [StudySpec(f"GSE{i}", [f"GSM{i}0{j}" for j in range(3)], GENES, seed=i) for i in range(6)]
    for study, sample, experiment in shared:  # samples stating one SRX are one physical sample
        specs[study].links.setdefault(specs[study].samples[sample], []).append(f"SRX{experiment}")
    folder = tmp_path_factory.mktemp("leak")
    catalog = build_catalog(folder, specs)
    catalog.export(folder / "out", splits="train=0.5,test=0.5", seed=seed)
    listed = json.loads((folder / "out" / "manifest.json").read_text())["samples"]
    sample_id, cluster = naive_clusters(folder / "catalog.duckdb")
    ids = [sample_id[e["sample_accession"]] for e in listed]
    assert len(ids) == len(set(ids)), "one physical sample exported twice"
    assert set(ids) == set(sample_id.values()), "every physical sample exported once"
    split_of_cluster: dict[str, set[str]] = {}
    for entry in listed:
        split_of_cluster.setdefault(cluster[entry["sample_accession"]], set()).add(entry["split"])
    assert all(len(splits) == 1 for splits in split_of_cluster.values())
