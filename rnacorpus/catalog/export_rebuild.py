"""``export --from-manifest``: rebuild an export from its manifest and say exactly what differs.

The manifest holds every option and the sample list with each sample's split, so a rebuild asks
the catalog for exactly those samples (no query is re-run: a catalog that grew adds nothing) and
writes them into the same splits. Against the same catalog every data file comes out byte-identical
(same rows, same order, same writer settings); against a newer one the differences are listed:
catalog versions, samples that are gone or now refused, the log1p implementation, the gene space, the
layout (row groups, the part files' writer and its release, the codec settings) and each file whose
sha256 changed. A rebuild by a release with another writer (or another log1p) says so, with the
files it then writes differently.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rnacorpus.catalog.export_options import ExportOptions
from rnacorpus.errors import ConfigError

if TYPE_CHECKING:
    from rnacorpus.catalog.api import Catalog
    from rnacorpus.catalog.export import ExportProgress, ExportResult

__all__ = ["compare_manifests", "rebuild_export"]


def rebuild_export(
    catalog: Catalog,
    manifest_path: Path,
    out_dir: Path,
    *,
    overwrite: bool = False,
    progress: ExportProgress | None = None,
) -> ExportResult:
    from rnacorpus.catalog.export import MANIFEST_NAME, read_manifest, run_export

    old = read_manifest(manifest_path)
    if not str(old.get("format", "")).startswith("rnacorpus-export/2") or "options" not in old:
        raise ConfigError(
            f"{manifest_path} is a {old.get('format', 'non-rnacorpus')} manifest without the options a rebuild "
            "needs (written by rnacorpus before 0.2); export again with the same options instead"
        )
    options = ExportOptions.from_dict(old["options"])
    pinned = {str(e["sample_accession"]): str(e["split"]) for e in old.get("samples", [])}
    # the row-group size is the writing release's (it follows a byte budget that may change), not ours
    group_rows = old.get("layout", {}).get("row_group_rows")
    result = run_export(
        catalog,
        out_dir,
        options,
        overwrite=overwrite,
        pinned=pinned,
        progress=progress,
        group_rows=int(group_rows) if group_rows else None,
    )
    result.differences = compare_manifests(old, read_manifest(out_dir / MANIFEST_NAME))
    return result


def compare_manifests(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two manifests of the same options (empty: the data files are identical)."""
    found: list[str] = []
    for key in ("rnacorpus_version", "schema_version"):
        if old.get(key) != new.get(key):
            found.append(f"{key}: {old.get(key)} → {new.get(key)}")
    before, after = old.get("catalog", {}).get("versions", {}), new.get("catalog", {}).get("versions", {})
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            found.append(f"catalog {key}: {before.get(key)} → {after.get(key)}")
    found += _sample_differences(old, new)
    was, now = old.get("layout", {}), new.get("layout", {})
    # manifests before the writer was recorded: pyarrow wrote their parts, in a release they do not name
    was = {"writer": "pyarrow (release not recorded)"} | was
    # a release may change these
    for key in ("row_group_rows", "row_groups_per_part", "part_lanes", "writer", "values_codec"):
        if was.get(key) != now.get(key):
            found.append(f"layout {key}: {was.get(key)} → {now.get(key)}")
    found += _log1p_difference(old, new)
    og, ng = old.get("genes", {}), new.get("genes", {})
    if og.get("ids_sha256") != ng.get("ids_sha256"):
        found.append(f"gene space: {og.get('n')} → {ng.get('n')} features (ids sha256 differs)")
    old_files = {f["path"]: f["sha256"] for f in old.get("files", [])}
    new_files = {f["path"]: f["sha256"] for f in new.get("files", [])}
    for path in sorted(set(old_files) | set(new_files)):
        if path not in new_files:
            found.append(f"file {path}: not written now")
        elif path not in old_files:
            found.append(f"file {path}: new")
        elif old_files[path] != new_files[path]:
            found.append(f"file {path}: sha256 {old_files[path][:12]}… → {new_files[path][:12]}…")
    return found


#: what computed ln(1 + x) before manifests named it (numpy's float32 log1p: libm's log1pf without AVX-512)
LOG1P_BEFORE = "numpy float32 log1p (before manifests recorded it)"


def _log1p_difference(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The log1p implementation, when a rule takes ln(1 + x) and the manifests name different ones
    (a manifest without the field was written with numpy's): it changes the last bits of every value."""
    was, now = old.get("normalization", {}), new.get("normalization", {})
    if "log1p" not in was and "log1p" not in now:
        return []
    before = was.get("log1p", LOG1P_BEFORE if "log1p" in now else None)
    if before == now.get("log1p"):
        return []
    return [
        f"normalization log1p implementation differs: {before} → {now.get('log1p')} "
        "(values differ in their last bits, so the part files do too)"
    ]


def _sample_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    was = {e["sample_accession"]: e["split"] for e in old.get("samples", [])}
    now = {e["sample_accession"]: e["split"] for e in new.get("samples", [])}
    why: dict[str, str] = {r["sample"]: f"refused: {r['reason']}" for r in new["normalization"]["refused"]}
    why |= dict.fromkeys(new.get("skipped_withdrawn", []), "withdrawn")
    why |= dict.fromkeys(new.get("skipped_without_expression", []), "no values at this level")
    why |= {a: f"gene coverage {c}" for a, c in new.get("below_min_gene_coverage", {}).items()}
    found = [
        f"sample {a} ({was[a]}): no longer exported — {why.get(a, 'not in the catalog')}" for a in was if a not in now
    ]
    found += [f"sample {a}: newly exported in {now[a]}" for a in now if a not in was]
    found += [f"sample {a}: split {was[a]} → {now[a]}" for a in now if a in was and was[a] != now[a]]
    return found
