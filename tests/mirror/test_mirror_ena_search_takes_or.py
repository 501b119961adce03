"""The mirror's ENA portal ``search`` reads ENA's advanced-search ``OR`` between alternatives (AND
binding tighter, parentheses and quotes respected), as the batched run lookup sends it."""

from __future__ import annotations

import requests

from rnacorpus.mirror import MirrorServer
from rnacorpus.mirror.ena import _top_level_or


def test_or_splits_only_at_the_top_level() -> None:
    assert _top_level_or('a="x" AND (b="y" OR c="z") OR d="w"') == ['a="x" AND (b="y" OR c="z")', 'd="w"']
    assert _top_level_or('title="A OR B"') == ['title="A OR B"']


def test_runs_of_several_experiments_and_runs_in_one_search(corpus_mirror: MirrorServer) -> None:
    query = 'experiment_accession="SRX7830165" OR run_accession="SRR5026589" OR experiment_accession="SRX0"'
    answer = requests.get(
        f"{corpus_mirror.url}/ena/portal/api/search",
        params={"result": "read_run", "query": query, "fields": "run_accession,experiment_accession"},
        timeout=10,
    )
    rows = [line.split("\t") for line in answer.text.strip().splitlines()[1:]]
    assert answer.status_code == 200 and rows
    assert {e for _, e in rows} == {"SRX7830165", "SRX2352779"}
    assert "SRR5026589" in {r for r, _ in rows}
