"""A cached archive file is parsed under the decompression limit the user configured, not the default.

The download check enforces ``Config.max_decompressed_bytes`` as a body arrives; the parse step must
too — a file already in the cache (fetched before the user lowered the limit, or put there by another
run) is otherwise read to the library default of 32 GiB.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from rnacorpus.config import Config
from rnacorpus.errors import LimitExceededError
from rnacorpus.fileio import DEFAULT_MAX_DECOMPRESSED
from rnacorpus.harvester.geo.assemble import assemble_bundle
from rnacorpus.harvester.geo.synthetic import synthetic_array_study
from rnacorpus.harvester.geo.writer import write_family_soft, write_series_matrix
from rnacorpus.schemas import SourceFile

GSE = "GSE990001"
WRITERS = {"family_soft": write_family_soft, "series_matrix": write_series_matrix}
FILE_NAMES = {"family_soft": f"{GSE}_family.soft.gz", "series_matrix": f"{GSE}_series_matrix.txt.gz"}


def _source(tmp_path: Path, role: str) -> tuple[SourceFile, int]:
    """One gzip archive file of the given role, and how many bytes it inflates to."""
    bundle = synthetic_array_study(n_samples=8, n_probes=400, seed=3)
    path = WRITERS[role](bundle, tmp_path / FILE_NAMES[role])
    inflated = len(gzip.decompress(path.read_bytes()))
    item = SourceFile(url=f"https://example.org/{path.name}", path=str(path), sha256="", size=0, role=role)
    return item, inflated


@pytest.mark.parametrize("role", sorted(WRITERS))
def test_a_file_inflating_past_the_configured_limit_is_refused_when_parsed(tmp_path: Path, role: str) -> None:
    item, inflated = _source(tmp_path, role)
    limit = inflated // 2
    assert limit < DEFAULT_MAX_DECOMPRESSED  # under the default: only the configured limit refuses it
    config = Config(cache_dir=tmp_path / "cache", max_decompressed_bytes=limit)
    with pytest.raises(LimitExceededError) as raised:
        assemble_bundle(GSE, [item], limits=config)
    assert raised.value.accession == GSE
    assert raised.value.path == FILE_NAMES[role]  # the archive's name, not the cache path


@pytest.mark.parametrize("role", sorted(WRITERS))
def test_a_file_inflating_within_the_configured_limit_is_parsed(tmp_path: Path, role: str) -> None:
    item, inflated = _source(tmp_path, role)
    config = Config(cache_dir=tmp_path / "cache", max_decompressed_bytes=inflated + 1)
    bundle = assemble_bundle(GSE, [item], limits=config)
    assert len(bundle.samples) == 8
    assert bundle.expression[0].values.shape == (8, 400)
