"""Tables parsed ahead in worker threads change nothing: same records, same order, same first error."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rnacorpus.errors import ParseError
from rnacorpus.harvester.geo import soft
from rnacorpus.harvester.geo.soft_ahead import WORKERS, Ahead, read_ahead
from rnacorpus.harvester.geo.soft_entities import SoftEntity


def _sequential(
    entities: Iterator[SoftEntity], parse: object, wanted: object, *, depth: int = 0
) -> Iterator[Ahead[object]]:
    for entity in entities:
        yield Ahead(entity, None)  # no future: the collector parses the table itself, in order


@pytest.mark.parametrize("rel", ["geo/soft/GSE1299_family.soft.gz", "geo/soft/GSE11897_family.soft.gz"])
def test_reading_ahead_gives_what_a_sequential_read_gives(
    corpus: Path, rel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ahead = soft.parse_soft_records(corpus / rel)
    monkeypatch.setattr(soft, "read_ahead", _sequential)
    monkeypatch.setattr(soft._Collector, "add", _add_without_ahead)
    plain = soft.parse_soft_records(corpus / rel)
    assert [s.model_dump() for s in ahead.samples] == [s.model_dump() for s in plain.samples]
    assert ahead.issues == plain.issues
    for a, b in zip(ahead.expression, plain.expression, strict=True):
        assert a.feature_ids == b.feature_ids and a.sample_accessions == b.sample_accessions
        assert (a.values.tobytes()) == (b.values.tobytes())


_original_add = soft._Collector.add


def _add_without_ahead(self: soft._Collector, entity: SoftEntity, ahead: object = None) -> None:
    _original_add(self, entity, None)


def _sample(name: str, rows: str) -> str:
    return (
        f"^SAMPLE = {name}\n!Sample_platform_id = GPL1\n!sample_table_begin\nID_REF\tVALUE\n{rows}!sample_table_end\n"
    )


def test_an_error_in_an_early_table_wins_over_a_later_error_in_the_file(tmp_path: Path) -> None:
    text = (
        "^SERIES = GSE1\n!Series_sample_id = GSM1\n"
        + _sample("GSM1", "a\t1\n")
        + _sample("GSM2", "a\tnot-a-number\n")  # the worker fails here ...
        + _sample("GSM3", "a\t1\n")
        + "^SAMPLE = GSM3\n"  # ... and the scanner, two entities later, here
    )
    path = tmp_path / "GSE1_family.soft"
    path.write_text(text)
    with pytest.raises(ParseError, match="not-a-number") as caught:
        soft.parse_family_soft(path)
    assert caught.value.accession == "GSM2" and caught.value.line == 13


def test_a_consumer_that_stops_early_leaves_no_worker_running() -> None:
    entities = (SoftEntity(kind="SAMPLE", name=f"GSM{k}", line=k, path="x") for k in range(10))
    items = read_ahead(entities, lambda entity: entity.name, lambda entity: True)
    assert next(items).parsed() == "GSM0"
    items.close()  # the pool shuts down with the generator


def _slow_first(entity: SoftEntity) -> str:
    """Earlier entities take longer, so with several workers the later ones finish first."""
    time.sleep(0.02 * (6 - entity.line) if entity.line < 6 else 0)
    if entity.name == "GSM4":
        raise ParseError("bad table", accession=entity.name)
    return entity.name


def test_several_workers_hand_results_back_in_file_order() -> None:
    entities = (SoftEntity(kind="SAMPLE", name=f"GSM{k}", line=k, path="x") for k in range(4))
    items = list(read_ahead(entities, _slow_first, lambda entity: True, workers=3, depth=4))
    assert [item.parsed() for item in items] == ["GSM0", "GSM1", "GSM2", "GSM3"]
    assert WORKERS >= 2  # the default parses tables in more than one thread


def test_with_several_workers_the_first_failing_table_in_file_order_is_reported() -> None:
    entities = [SoftEntity(kind="SAMPLE", name=f"GSM{k}", line=k, path="x") for k in range(8)]
    names = []
    with pytest.raises(ParseError) as caught:
        for item in read_ahead(iter(entities), _slow_first, lambda entity: True, workers=3, depth=4):
            names.append(item.parsed())
    assert names == ["GSM0", "GSM1", "GSM2", "GSM3"] and caught.value.accession == "GSM4"
