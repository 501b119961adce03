"""Shards whose footers list the same features are read with one shared feature list when the caller
keeps a dict of them (``ExpressionStore.iter_rows(..., feature_lists=…)``, what the export does): the
list is parsed once and is the very same object for every block of those shards, so the export finds
its column map by identity. A shard listing other features gets its own list; each list equals its
footer's; without the dict every shard gets a list of its own, as before."""

from __future__ import annotations

from pathlib import Path

from rnacorpus.catalog.export_options import make_options
from rnacorpus.catalog.export_plan import plan_export
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 30)


def test_same_footer_lists_are_one_object_and_other_lists_their_own(tmp_path: Path) -> None:
    specs = [
        StudySpec("GSE1", ["GSM11", "GSM12"], GENES, seed=1),
        StudySpec("GSE2", ["GSM21", "GSM22"], GENES[5:], seed=2),
        StudySpec("GSE3", ["GSM31", "GSM32"], GENES, seed=3),
    ]
    catalog = build_catalog(tmp_path / "c", specs)
    with catalog.connect() as con:
        plan = plan_export(con, catalog.store, make_options(genes="protein_coding", splits="train=1"))
    runs = list(plan.shard_runs())
    assert len(runs) == 3

    def lists(feature_lists: dict[str, list[str]] | None) -> dict[str, list[list[str]]]:
        found: dict[str, list[list[str]]] = {}
        for run in runs:
            rows = plan.rows["row_index"].slice(run.start, run.stop - run.start).to_numpy()
            blocks = catalog.store.iter_rows(run.path, rows, sha256=run.sha256, feature_lists=feature_lists)
            found[plan.rows["study_accession"][run.start].as_py()] = [block.feature_ids for block in blocks]
        return found

    shared = lists({})
    assert [len(v) for v in shared.values()] == [1, 1, 1]
    one, other, again = shared["GSE1"][0], shared["GSE2"][0], shared["GSE3"][0]
    assert one is again and one == catalog.store.feature_ids(runs[0].path)
    assert other is not one and other == catalog.store.feature_ids(runs[1].path) != one
    apart = lists(None)
    assert apart["GSE1"][0] == apart["GSE3"][0] and apart["GSE1"][0] is not apart["GSE3"][0]
