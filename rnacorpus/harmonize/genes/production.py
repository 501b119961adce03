"""The production gene reference: canonical sources downloaded through the HTTP seam, pinned, stamped.

Human = HGNC complete set (monthly archive, pinned by date) + NCBI ``Homo_sapiens.gene_info`` (Entrez
cross-references) + GENCODE primary-assembly GTF (versions, biotypes, lengths, unnamed genes).
Mouse = NCBI ``Mus_musculus.gene_info`` (MGI IDs, symbols, synonyms, Entrez) + GENCODE M-release GTF.

Every file comes through :class:`rnacorpus.harvester.http.HttpClient` (so ``--mirror`` and
``--offline`` apply, and the raw cache keeps it); a pin's sha256, when given, must match or the build
stops (:class:`~rnacorpus.errors.BadContentError`). NCBI's gene_info has no releases: pin its checksum
once you have one, or leave it ``None`` and the checksum that was used is stamped into the release.
The result is written in the offline format to ``<cache>/gene_references/`` and read back verified.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import pandas as pd

from rnacorpus.errors import BadContentError
from rnacorpus.harmonize.genes.assemble import assemble_reference_table
from rnacorpus.harmonize.genes.organisms import Organism, resolve_organism
from rnacorpus.harmonize.genes.reference import GeneReference, ReferenceInfo, read_reference, write_reference
from rnacorpus.harmonize.genes.sources import read_gene_info, read_gtf_genes, read_hgnc_complete_set

__all__ = ["DEFAULT_PINS", "Fetched", "Fetcher", "SourcePin", "SourcePins", "build_production_reference"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourcePin:
    url: str
    release: str
    sha256: str | None = None  # None: not pinned yet (gene_info); the used checksum is stamped instead
    licence: str = ""


@dataclass(frozen=True)
class SourcePins:
    gene_info: SourcePin
    gtf: SourcePin
    hgnc: SourcePin | None = None  # human only


_NCBI = "https://ftp.ncbi.nlm.nih.gov/gene/DATA/GENE_INFO/Mammalia"
_GENCODE = "https://ftp.ebi.ac.uk/pub/databases/gencode"
_HGNC = "https://ftp.ebi.ac.uk/pub/databases/genenames/hgnc/archive/monthly/tsv"
_NCBI_LICENCE = "NCBI Gene: public domain (US government work)"
_GENCODE_LICENCE = "GENCODE/Ensembl: no restrictions (EMBL-EBI terms of use)"

DEFAULT_PINS: Mapping[str, SourcePins] = {
    "human": SourcePins(
        hgnc=SourcePin(f"{_HGNC}/hgnc_complete_set_2026-06-01.txt", "hgnc-2026-06-01", None, "HGNC: CC0 1.0"),
        gene_info=SourcePin(f"{_NCBI}/Homo_sapiens.gene_info.gz", "ncbi-gene_info", None, _NCBI_LICENCE),
        gtf=SourcePin(
            f"{_GENCODE}/Gencode_human/release_48/gencode.v48.primary_assembly.annotation.gtf.gz",
            "gencode-v48",
            None,
            _GENCODE_LICENCE,
        ),
    ),
    "mouse": SourcePins(
        gene_info=SourcePin(f"{_NCBI}/Mus_musculus.gene_info.gz", "ncbi-gene_info", None, _NCBI_LICENCE),
        gtf=SourcePin(
            f"{_GENCODE}/Gencode_mouse/release_M37/gencode.vM37.primary_assembly.annotation.gtf.gz",
            "gencode-vM37",
            None,
            _GENCODE_LICENCE,
        ),
    ),
}


class Fetched(Protocol):
    @property
    def path(self) -> Path: ...

    @property
    def sha256(self) -> str: ...


class Fetcher(Protocol):
    """What the builder needs from :class:`rnacorpus.harvester.http.HttpClient`."""

    def fetch(self, url: str, *, expect: str) -> Fetched: ...


def _get(client: Fetcher, pin: SourcePin, expect: str) -> tuple[Path, str]:
    fetched = client.fetch(pin.url, expect=expect)
    if pin.sha256 is not None and fetched.sha256 != pin.sha256:
        raise BadContentError(
            f"checksum {fetched.sha256} does not match the pinned {pin.sha256}",
            url=pin.url,
            path=fetched.path,
        )
    return Path(fetched.path), fetched.sha256


def _stamp(organism: Organism, used: Mapping[str, tuple[SourcePin, str]]) -> ReferenceInfo:
    names = " + ".join(f"{name} {pin.release}" for name, (pin, _) in used.items())
    digest = hashlib.sha256("|".join(f"{name}:{sha}" for name, (_, sha) in used.items()).encode()).hexdigest()
    source = "; ".join(f"{pin.url} (sha256 {sha})" for pin, sha in used.values())
    licence = "; ".join(dict.fromkeys(pin.licence for pin, _ in used.values() if pin.licence))
    return ReferenceInfo(
        organism=organism.key, source=source, release=f"{names} [{digest[:12]}]", sha256="", licence=licence
    )


def build_production_reference(
    organism: str | int | Organism,
    client: Fetcher,
    out_dir: Path,
    *,
    pins: SourcePins | None = None,
) -> GeneReference:
    """Download (or reuse from the cache) the pinned sources and build the reference into ``out_dir``."""
    target = resolve_organism(organism)
    pins = pins or DEFAULT_PINS[target.key]
    used: dict[str, tuple[SourcePin, str]] = {}
    gene_info_path, used_sha = _get(client, pins.gene_info, "gzip")
    used["gene_info"] = (pins.gene_info, used_sha)
    links, ncbi_authority = read_gene_info(gene_info_path, authority=target.authority)
    if pins.hgnc is not None:
        hgnc_path, hgnc_sha = _get(client, pins.hgnc, "tsv")
        used["hgnc"] = (pins.hgnc, hgnc_sha)
        authority = read_hgnc_complete_set(hgnc_path)
    else:
        authority = ncbi_authority
    gtf_path, gtf_sha = _get(client, pins.gtf, "gzip")
    used["gencode"] = (pins.gtf, gtf_sha)
    gencode = read_gtf_genes(gtf_path)
    table = assemble_reference_table(
        authority, gencode, links if pins.hgnc is not None else _no_links(), authority_name=target.authority
    )
    info = _stamp(target, used)
    path, digest = write_reference(table, info, Path(out_dir))
    log.info("production gene reference %s built: %d genes (%s)", target.key, table.num_rows, info.release)
    return read_reference(path, expected_sha256=digest)


def _no_links() -> pd.DataFrame:
    return pd.DataFrame({"ensembl_id": [], "authority_id": [], "entrez_id": []}, dtype=object)


def with_checksums(pins: SourcePins, **sha256: str) -> SourcePins:
    """``pins`` with the given sources' checksums pinned, e.g. ``with_checksums(p, gene_info="…")``."""
    changes = {name: replace(getattr(pins, name), sha256=value) for name, value in sha256.items()}
    return replace(pins, **changes)
