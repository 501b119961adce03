"""Which supplementary files a GEO series has, what each can hold, and which of them to fetch (pure).

Sources of names, all GEO's own (ARCHIVES §2): ``!Series_supplementary_file`` /
``!Sample_supplementary_file_N`` in the records, the Apache index of ``series/…/GSE…/suppl/`` (with
approximate sizes) and ``suppl/filelist.txt`` (exact sizes; the members of ``GSE…_RAW.tar``, which
GEO also serves one by one under ``samples/…/GSM…/suppl/``).

Classification is by name first (:func:`classify_name`), then by a bounded look at the content
(:func:`sniff_content`), into one of :data:`CATEGORIES`. Only ``expression_matrix``,
``per_sample_expression`` and ``single_cell`` files are fetched, each below ``max_file_bytes``, and
the series' total below ``max_series_bytes``; a sample's file is fetched from the sample's folder
rather than through the whole ``_RAW.tar``, which is fetched (and read member by member) only for
members GEO does not serve on their own. Every file gets a reason, fetched or not.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import unquote, urlsplit

from rnacorpus.errors import UnsafePathError
from rnacorpus.harvester.geo.suppl_io import safe_name
from rnacorpus.harvester.geo.urls import geo_stub

__all__ = [
    "CATEGORIES",
    "FETCHED_CATEGORIES",
    "Category",
    "FilelistRow",
    "SupplFile",
    "SupplPlan",
    "classify_name",
    "parse_filelist",
    "parse_listing",
    "plan_supplementary",
    "sample_of",
    "sniff_content",
]

Category = Literal[
    "expression_matrix", "per_sample_expression", "single_cell", "raw_data", "archive", "metadata", "other"
]
CATEGORIES: tuple[str, ...] = (
    "expression_matrix",
    "per_sample_expression",
    "single_cell",
    "raw_data",
    "archive",
    "metadata",
    "other",
)
FETCHED_CATEGORIES = frozenset({"expression_matrix", "per_sample_expression", "single_cell"})

_COMPRESSION = re.compile(r"\.(gz|bz2|xz|zip|z)$", re.IGNORECASE)
_GSM_PREFIX = re.compile(r"^(GSM\d+)(?=[_.\-]|$)")
#: instrument and aligner outputs: values must be computed from them, not read
_RAW = re.compile(
    r"\.(cel|rcc|idat|bam|bai|sam|cram|crai|fastq|fq|sra|sff|chp|gpr|exp|dat|rds\.cel|bcl|cbcl|fast5|pod5|"
    r"h5seurat)$|_(r[12])_\d{3}\.f(ast)?q$",
    re.IGNORECASE,
)
#: formats that never hold a per-sample expression profile
_OTHER = re.compile(
    r"\.(bw|bigwig|wig|bed|bedgraph|narrowpeak|broadpeak|gtf|gff3?|vcf|fa|fasta|fna|pdf|png|jpe?g|tiff?|svg|"
    r"docx?|pptx?|html?|r|py|sh|pl|ipynb|rmd|md5|sha256|json|xml|yaml|yml|log|bedpe|hic|cool|mcool|pairs|"
    r"seg|maf|cnv|rdata|rda|pickle|pkl)$",
    re.IGNORECASE,
)
_ARCHIVE = re.compile(r"\.(tar|tgz|tar\.gz|tar\.bz2|tar\.xz)$", re.IGNORECASE)
_TABLE = re.compile(r"\.(txt|tsv|csv|tab|tabular|xlsx|xls|counts?|results|sf|out\.tab|mat|matrix)$", re.IGNORECASE)
_SINGLE_CELL_NAME = re.compile(
    r"(\.mtx$|[._-](barcodes|features|genes)\.tsv$|\.h5$|\.h5ad$|\.loom$|_dge\.txt$|[._-]dge[._-]|"
    r"filtered_feature_bc_matrix|raw_feature_bc_matrix|filtered_gene_bc_matrices)",
    re.IGNORECASE,
)
_METADATA_NAME = re.compile(
    r"(^filelist\.txt$|readme|sample[_-]?(list|sheet|info|annotation)|metadata|design|md5|checksum|"
    r"phenodata|coldata|clinical)",
    re.IGNORECASE,
)
#: differential-expression results and other per-gene statistics, not per-sample values
_DE_NAME = re.compile(
    r"(^|[._-])(deg|degs|de|diff\w*|differential\w*|deseq2?[._-]?res\w*|edger[._-]?res\w*|fold[._-]?change|"
    r"results?|pathway|go[._-]enrich\w*|gsea|peaks?|significant\w*|sig[._-]?genes|markers?)([._-]|$)",
    re.IGNORECASE,
)


def _strip_compression(name: str) -> str:
    return _COMPRESSION.sub("", name)


def sample_of(name: str) -> str | None:
    """The GSM a file belongs to: GEO prefixes every per-sample file with its accession."""
    match = _GSM_PREFIX.match(name)
    return match.group(1) if match else None


def classify_name(name: str) -> tuple[Category, str]:
    """A file's category from its name alone, with the reason (the content sniff may revise it)."""
    bare = _strip_compression(name)
    lowered = bare.lower()
    if _METADATA_NAME.search(lowered):
        return "metadata", "named as a file list, sample sheet or design table"
    if _ARCHIVE.search(name):
        return "archive", "a tar archive: its members are classified one by one"
    if _RAW.search(bare):
        return "raw_data", f"raw data ({lowered.rsplit('.', 1)[-1].upper()}): values must be computed, not read"
    if _SINGLE_CELL_NAME.search(bare):
        return "single_cell", "single-cell file by name (10x MTX triplet, h5, Drop-seq DGE)"
    if _OTHER.search(bare):
        return "other", f"a {lowered.rsplit('.', 1)[-1]} file cannot hold a per-sample expression table"
    if _DE_NAME.search(lowered.rsplit(".", 1)[0]):
        return "other", "named as differential-expression or enrichment results"
    if _TABLE.search(bare) or "." not in bare:
        if sample_of(name):
            return "per_sample_expression", "a table named after one GSM"
        return "expression_matrix", "a series-level table"
    return "other", "not a table format"


#: column names of per-gene statistics (DESeq2, edgeR, limma, cuffdiff), not per-sample values
_DE_COLUMNS = re.compile(
    r"^(log2?fc|log2foldchange|logfc|fold[._ ]?change|p[._ ]?val(ue)?|padj|adj[._ ]?p[._ ]?val|fdr|q[._ ]?value|"
    r"lfcse|basemean|stat|t|b|aveexpr|test_stat)$",
    re.IGNORECASE,
)
_BARCODE = re.compile(r"^[ACGTN]{8,}(-\d+)?$")
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def sniff_content(name: str, head: bytes, category: Category) -> tuple[Category, str | None]:
    """Revise a name-based category from the file's first decompressed bytes (a bounded prefix).

    Returns the category and, when it changed or was confirmed by content, why.
    """
    if head.startswith(_HDF5_MAGIC):
        return "single_cell", "HDF5 content (10x h5 / h5ad / loom)"
    if head.startswith(b"%%MatrixMarket"):
        return "single_cell", "Matrix Market content (10x MTX)"
    if head.startswith(b"BAM\x01") or head.startswith(b"@HD\t") or head.startswith(b"[CEL]"):
        return "raw_data", "aligned reads or raw array data by content"
    if head.startswith(b"PK\x03\x04"):  # xlsx is a zip; its content is judged by the Excel reader
        return category, None
    if b"\0" in head[:4096]:
        return "other", "binary content that is not a known table format"
    text = head.decode("utf-8", "replace")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")][:3]
    if not lines:
        return "other", "no table rows in the first bytes"
    if lines[0].startswith("@") and len(lines) > 2 and lines[2].startswith("+"):
        return "raw_data", "FASTQ content"
    header = [cell.strip().strip('"') for cell in re.split(r"[\t,]", lines[0])]
    if sum(bool(_DE_COLUMNS.match(cell)) for cell in header) >= 2:
        return "other", "columns of per-gene statistics (fold change, p-values), not per-sample values"
    cells = [cell for cell in header[1:] if cell]
    if len(cells) >= 20 and sum(bool(_BARCODE.match(cell)) for cell in cells) >= 0.9 * len(cells):
        return "single_cell", "columns are cell barcodes (Drop-seq / 10x style gene × cell matrix)"
    return category, None


@dataclass(frozen=True)
class FilelistRow:
    """One row of ``filelist.txt``: ``#Archive/File  Name  Time  Size  Type``."""

    scope: str  # "Archive" (the tar) or "File" (a member)
    name: str
    size: int | None
    type: str


def parse_filelist(text: str) -> list[FilelistRow]:
    """Rows of GEO's ``filelist.txt``; unsafe member names are dropped (they are never fetched)."""
    rows: list[FilelistRow] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.rstrip("\r").split("\t")
        if len(cells) < 2 or cells[0] not in {"Archive", "File"}:
            continue
        try:
            name = safe_name(cells[1])
        except UnsafePathError:
            continue
        size = int(cells[3]) if len(cells) > 3 and cells[3].strip().isdigit() else None
        rows.append(FilelistRow(cells[0], name, size, cells[4].strip() if len(cells) > 4 else ""))
    return rows


_LISTING_ROW = re.compile(r'<a href="([^"?/][^"]*)">[^<]*</a>\s+\S+\s+\S+\s+(-|\d+(?:\.\d+)?[KMGT]?)\s*$', re.M)
_SIZE_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def parse_listing(page: str) -> dict[str, int | None]:
    """File names of an Apache index with their sizes (``2.0M`` → 2 MiB, approximate; ``-`` → None)."""
    found: dict[str, int | None] = {}
    for href, size in _LISTING_ROW.findall(page):
        raw = unquote(html.unescape(href))
        try:
            name = safe_name(raw)
        except UnsafePathError:
            continue
        if size == "-":
            found[name] = None
            continue
        number, unit = re.match(r"([\d.]+)([KMGT]?)", size).groups()  # type: ignore[union-attr]
        found[name] = int(float(number) * _SIZE_UNITS[unit])
    return found


@dataclass(frozen=True)
class SupplFile:
    """A supplementary file as planned: where it comes from, what it is, and what we do with it."""

    name: str
    url: str | None
    size: int | None
    category: Category
    reason: str
    sample: str | None = None
    #: the archive (``GSE…_RAW.tar``) this file is a member of, when it is one
    container: str | None = None
    fetch: bool = False


@dataclass
class SupplPlan:
    series: str
    files: list[SupplFile] = field(default_factory=list)
    #: archives to fetch and read member by member: archive name → wanted member names
    archives: dict[str, list[str]] = field(default_factory=dict)

    @property
    def to_fetch(self) -> list[SupplFile]:
        return [f for f in self.files if f.fetch]


def _name_of(url: str) -> str | None:
    path = urlsplit(url).path.rstrip("/")
    if not path or "/suppl/" not in path + "/" or path.endswith("/suppl"):
        return None
    try:
        return safe_name(unquote(path.rsplit("/", 1)[-1]))
    except UnsafePathError:
        return None


def _sample_url(gsm: str, name: str, host: str) -> str:
    return f"{host}/geo/samples/{geo_stub(gsm)}/{gsm}/suppl/{name}"


def plan_supplementary(
    gse: str,
    *,
    host: str,
    series_urls: Sequence[str] = (),
    listing: Mapping[str, int | None] | None = None,
    filelist: Iterable[FilelistRow] = (),
    max_file_bytes: int,
    max_series_bytes: int,
) -> SupplPlan:
    """What to fetch of ``gse``'s supplementary files (pure: names and sizes in, decisions out).

    ``host`` is the NCBI FTP base URL (``https://ftp.ncbi.nlm.nih.gov`` or a mirror's), ``series_urls``
    the ``!Series_supplementary_file`` values, ``listing`` the ``suppl/`` index, ``filelist`` its
    ``filelist.txt``. Larger files than the caps are listed with the reason, never fetched.
    """
    suppl_dir = f"{host}/geo/series/{geo_stub(gse)}/{gse}/suppl/"
    named: dict[str, int | None] = {}
    for url in series_urls:
        name = _name_of(url)
        if name:
            named.setdefault(name, None)
    for name, size in (listing or {}).items():
        named[name] = size if size is not None else named.get(name)
    plan = SupplPlan(gse)
    members = [row for row in filelist if row.scope == "File"]
    archive_rows = {row.name: row for row in filelist if row.scope == "Archive"}
    for name, row in archive_rows.items():
        named[name] = row.size or named.get(name)
    budget = max_series_bytes
    raw_tar = f"{gse}_RAW.tar"
    for name in sorted(named):
        if name == "filelist.txt":
            continue
        item = _decide(SupplFile(name, suppl_dir + name, named[name], *classify_name(name)), max_file_bytes)
        if item.category == "archive" and name != raw_tar:
            # an author's own archive (counts.tar.gz): its members are only known once it is read
            item = _decide(replace(item, category="expression_matrix"), max_file_bytes)
            item = replace(item, category="archive")
        elif name == raw_tar and name not in archive_rows:
            item = replace(item, reason="not fetched: no filelist.txt names its members")
        if item.fetch:
            item, budget = _within_budget(item, budget)
        plan.files.append(item)
    for row in members:
        category, reason = classify_name(row.name)
        gsm = sample_of(row.name)
        sample_url = _sample_url(gsm, row.name, host) if gsm else None
        member = _decide(
            SupplFile(row.name, sample_url, row.size, category, reason, gsm, container=raw_tar), max_file_bytes
        )
        if member.fetch:
            member, budget = _within_budget(member, budget)
        if member.fetch and sample_url is None:
            # no sample folder to take it from: read it out of the archive
            plan.archives.setdefault(raw_tar, []).append(row.name)
            member = replace(member, fetch=False, reason=member.reason + f"; read from {raw_tar}")
        plan.files.append(member)
    # the RAW.tar itself is fetched only for members GEO does not serve one by one
    plan.files = [_archive_decision(f, plan, max_file_bytes) if f.name in archive_rows else f for f in plan.files]
    return plan


def _decide(item: SupplFile, max_file_bytes: int) -> SupplFile:
    if item.category == "archive":
        return item  # decided once the members are known
    if item.category not in FETCHED_CATEGORIES:
        return replace(item, reason=f"not fetched: {item.reason}")
    if item.size is not None and item.size > max_file_bytes:
        return replace(item, reason=f"not fetched: {item.size:,} bytes, above the {max_file_bytes:,}-byte cap")
    return replace(item, fetch=True)


def _within_budget(item: SupplFile, budget: int) -> tuple[SupplFile, int]:
    size = item.size or 0
    if size > budget:
        return replace(item, fetch=False, reason="not fetched: the series' supplementary byte budget is spent"), budget
    return item, budget - size


def _archive_decision(item: SupplFile, plan: SupplPlan, max_file_bytes: int) -> SupplFile:
    wanted = plan.archives.get(item.name)
    if not wanted:
        return replace(item, reason="not fetched: its members are fetched one by one from the samples' folders")
    if item.size is not None and item.size > max_file_bytes:
        plan.archives.pop(item.name)
        return replace(item, reason=f"not fetched: {item.size:,} bytes, above the {max_file_bytes:,}-byte cap")
    return replace(item, fetch=True, reason=f"read for {len(wanted)} member(s) GEO does not serve on their own")
