"""Pinned ontology releases: named constants, checked against the installed package at load.

The ontologies come from ``cellxgene-ontology-guide``, which ships several CELLxGENE schema
versions, each pinning one release per ontology. We pin one schema version and the release of every
ontology we read; :func:`check_installed_releases` compares them with what the package says and
refuses to run on a mismatch (got vs expected), so an upgrade is always a deliberate code change.

Upgrading (see ``docs/decisions.md``, "Ontology harmonization"):

1. install the newer ``cellxgene-ontology-guide``; read its ``data/ontology_info.json``;
2. set :data:`CXG_SCHEMA_VERSION` and :data:`ONTOLOGY_RELEASES` to the new pins;
3. run ``pytest tests/harmonize`` (every curated term must still exist, undeprecated) and
   ``python -m rnacorpus.harmonize.ontology.evaluate`` (precision/coverage must hold);
4. the compiled index cache is keyed by these pins and rebuilds itself; the catalog reloads its
   ``ontology_terms`` / ``ontology_closure`` on the next harvest because the stamp differs.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from types import MappingProxyType
from typing import Any

from rnacorpus.errors import ConfigError

__all__ = [
    "CXG_SCHEMA_VERSION",
    "INDEX_FORMAT",
    "ONTOLOGY_RELEASES",
    "PACKAGE",
    "TAXON_TABLE_RELEASE",
    "check_installed_releases",
    "ontology_releases",
    "package_version",
    "release_key",
    "release_of",
    "release_stamp",
]

PACKAGE = "cellxgene-ontology-guide"
#: the CELLxGENE schema version whose ontology pins we adopt
CXG_SCHEMA_VERSION = "7.1.0"
#: ontology → release, exactly as the package names them for CXG_SCHEMA_VERSION
ONTOLOGY_RELEASES: MappingProxyType[str, str] = MappingProxyType(
    {
        "UBERON": "v2026-04-01",
        "CL": "v2026-03-26",
        "MONDO": "v2026-05-05",
        "EFO": "v3.90.0",
        "HsapDv": "v2025-01-23",
        "MmusDv": "v2025-01-23",
        "PATO": "v2025-05-14",
        "CVCL": "55.0",
    }
)
#: our own small NCBITaxon table (the package's NCBITaxon file takes gigabytes to load)
TAXON_TABLE_RELEASE = "rnacorpus-taxa-1"
#: bump when the compiled index layout or the normalizer changes (invalidates the disk cache)
INDEX_FORMAT = "7"


def package_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError as exc:  # pragma: no cover - declared dependency
        raise ConfigError(f"{PACKAGE} is not installed; it supplies the pinned ontologies") from exc


def ontology_releases() -> dict[str, str]:
    """Every reference release a harmonized value can depend on, for stamps and manifests."""
    releases = dict(ONTOLOGY_RELEASES)
    releases["NCBITaxon"] = TAXON_TABLE_RELEASE
    releases["cellxgene_schema"] = CXG_SCHEMA_VERSION
    releases[PACKAGE] = package_version()
    return releases


def release_of(term_id: str) -> str | None:
    """``"UBERON:0002107"`` → ``"UBERON v2026-04-01"``: the stamp an annotation carries."""
    prefix = "CVCL" if term_id.startswith("CVCL_") else term_id.split(":", 1)[0]
    if prefix == "NCBITaxon":
        return f"NCBITaxon {TAXON_TABLE_RELEASE}"
    release = ONTOLOGY_RELEASES.get(prefix)
    return f"{prefix} {release}" if release else None


def release_stamp() -> str:
    """One line naming every release, e.g. for ``catalog_versions`` and export manifests."""
    return "; ".join(f"{name} {version}" for name, version in sorted(ontology_releases().items()))


def release_key() -> str:
    """Short hash of the pins, the package version and the index format: the disk-cache key."""
    payload = json.dumps(
        {"pins": dict(ONTOLOGY_RELEASES), "schema": CXG_SCHEMA_VERSION, "format": INDEX_FORMAT},
        sort_keys=True,
    )
    return f"cxg{CXG_SCHEMA_VERSION}-{hashlib.sha256(payload.encode()).hexdigest()[:12]}"


def check_installed_releases(supported: dict[str, Any]) -> None:
    """Compare our pins with the package's ``ontology_info.json`` entry for the pinned schema."""
    entry = supported.get(CXG_SCHEMA_VERSION)
    if entry is None:
        raise ConfigError(
            f"{PACKAGE} {package_version()} no longer ships CELLxGENE schema {CXG_SCHEMA_VERSION}; "
            f"it has {sorted(supported)}. Update the pins in {__name__} (see its docstring)."
        )
    shipped = {name: info.get("version") for name, info in entry["ontologies"].items()}
    wrong = {name: (shipped.get(name), pinned) for name, pinned in ONTOLOGY_RELEASES.items()}
    wrong = {name: pair for name, pair in wrong.items() if pair[0] != pair[1]}
    if wrong:
        detail = ", ".join(f"{name}: got {got}, expected {want}" for name, (got, want) in sorted(wrong.items()))
        raise ConfigError(f"installed {PACKAGE} pins other ontology releases ({detail})")
