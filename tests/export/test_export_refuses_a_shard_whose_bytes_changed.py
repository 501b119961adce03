"""A shard whose bytes differ from the sha256 the catalog recorded never reaches an export.

Export checksums each shard while it reads it (one pass over the file), so the mismatch is found
after some of the shard's rows were already normalized — the export must still fail as a whole:
no new folder, and an earlier export in the same place untouched. Covers a shard rewritten as
valid Parquet with other values, one with a flipped byte (which may also break decoding: the
checksum is what the error reports) and one cut short.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.errors import BadContentError
from tests.export.catalogs import StudySpec, build_catalog, reference_genes
from tests.export.folders import snapshot

GENES = reference_genes(9606, "protein_coding", 300)


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    specs = [StudySpec(f"GSE{i}", [f"GSM{i}_{j}" for j in range(150)], GENES, seed=i) for i in range(3)]
    return build_catalog(tmp_path / "corpus", specs)


def _shard(catalog: Catalog, study: str) -> Path:
    rows = catalog.sql(f"SELECT path FROM expression_shards WHERE study_accession = '{study}'").column(0)
    return catalog.store.resolve(rows[0].as_py())


def _rewrite_values(path: Path) -> None:
    """Valid Parquet, same samples and footer, every value doubled."""
    table = pq.read_table(path)
    values = table.column("values").combine_chunks()
    doubled = pa.ListArray.from_arrays(
        values.offsets, pc.multiply(values.flatten(), pa.scalar(2.0, pa.float32())), type=values.type
    )
    pq.write_table(table.set_column(1, table.schema.field("values"), doubled), path, row_group_size=64)


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize("damage", [_rewrite_values, _flip_byte, _cut_short], ids=lambda f: f.__name__.strip("_"))
def test_the_export_fails_whole_and_leaves_the_earlier_one(
    catalog: Catalog, tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    out = tmp_path / "exports" / "set"
    catalog.export(out, genes=GENES, splits="train=1.0")
    before = snapshot(out)
    damage(_shard(catalog, "GSE1"))

    with pytest.raises(BadContentError, match="checksum mismatch") as caught:
        catalog.export(out, genes=GENES, splits="train=1.0", overwrite=True)
    assert "GSE1" in str(caught.value)
    assert snapshot(out) == before
    with pytest.raises(BadContentError, match="checksum mismatch"):
        catalog.export(tmp_path / "exports" / "fresh", genes=GENES, splits="train=1.0")
    assert not (tmp_path / "exports" / "fresh").exists()
