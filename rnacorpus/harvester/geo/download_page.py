"""GEO's series download page → the NCBI-generated RNA-seq files it offers. Pure parsing, no I/O.

The page (``/geo/download/?acc=GSE…``) links GEO's uniformly processed counts when GEO computed them
(ARCHIVES.md §2)::

    /geo/download/?type=rnaseq_counts&acc=GSE…&format=file&file=GSE…_raw_counts_GRCh38.p13_NCBI.tsv.gz
    /geo/download/?type=rnaseq_counts&acc=GSE…&format=file&file=GSE…_norm_counts_TPM_GRCh38.p13_NCBI.tsv.gz
    /geo/download/?type=rnaseq_counts&format=file&file=Human.GRCh38.p13.annot.tsv.gz

Links are read from ``<a href>`` attributes (entities undone), kept only when their query says
``type=rnaseq_counts``, and classified by the ``file`` name, never by the link text. A page without
such links gives an empty :class:`NcbiCountsLinks` (GEO computed nothing for that series).

The page is archive-provided input: a link is followed only when it stays on the page's own origin
(GEO links relatively), and its ``file`` name must be a plain file name — so a tampered page can
neither send the harvester to another host nor name a path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

__all__ = ["NcbiCountsFile", "NcbiCountsLinks", "parse_download_page"]

_KIND_RES = (
    ("tpm", re.compile(r"_norm_counts_TPM_", re.IGNORECASE)),
    ("fpkm", re.compile(r"_norm_counts_[FR]PKM_", re.IGNORECASE)),
    ("raw_counts", re.compile(r"_raw_counts_|^(?!.*_norm_counts_).*_counts_", re.IGNORECASE)),
    ("annotation", re.compile(r"\.annot\.tsv(\.gz)?$", re.IGNORECASE)),
)
# GSE164073_raw_counts_GRCh38.p13_NCBI.tsv.gz → GRCh38.p13 ; Human.GRCh38.p13.annot.tsv.gz → Human, GRCh38.p13
_COUNTS_BUILD_RE = re.compile(
    r"_(?:raw_counts|norm_counts_\w+?|counts)_(?P<build>GRC\w+(?:\.p\d+)?)_NCBI", re.IGNORECASE
)
_ANNOT_RE = re.compile(r"^(?P<species>[A-Za-z]+)\.(?P<build>.+?)\.annot\.tsv(?:\.gz)?$", re.IGNORECASE)
_SAFE_NAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class NcbiCountsFile:
    kind: str  # raw_counts, tpm, fpkm, annotation
    file_name: str
    url: str
    accession: str | None  # the series in the link's ``acc`` (the annotation table has none)
    build: str | None  # genome build the file names, e.g. GRCh38.p13
    species: str | None = None  # "Human" / "Mouse" for annotation tables


@dataclass(frozen=True)
class NcbiCountsLinks:
    raw_counts: tuple[NcbiCountsFile, ...] = ()
    tpm: tuple[NcbiCountsFile, ...] = ()
    fpkm: tuple[NcbiCountsFile, ...] = ()
    annotation: tuple[NcbiCountsFile, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.raw_counts or self.tpm or self.fpkm or self.annotation)

    @property
    def has_counts(self) -> bool:
        return bool(self.raw_counts)

    def files(self) -> tuple[NcbiCountsFile, ...]:
        return (*self.raw_counts, *self.tpm, *self.fpkm, *self.annotation)


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() == "a":
            self.hrefs.extend(value for name, value in attrs if name.lower() == "href" and value)


def _classify(file_name: str) -> str | None:
    for kind, pattern in _KIND_RES:
        if pattern.search(file_name):
            return kind
    return None


def _describe(kind: str, file_name: str, url: str, accession: str | None) -> NcbiCountsFile:
    if kind == "annotation":
        match = _ANNOT_RE.match(file_name)
        return NcbiCountsFile(
            kind,
            file_name,
            url,
            accession,
            match["build"] if match else None,
            match["species"] if match else None,
        )
    build = _COUNTS_BUILD_RE.search(file_name)
    return NcbiCountsFile(kind, file_name, url, accession, build["build"] if build else None)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def parse_download_page(html: str, base_url: str) -> NcbiCountsLinks:
    """The NCBI-generated count / TPM / FPKM / annotation files a download page links, de-duplicated.

    ``base_url`` is the page's own URL (or the archive's base): relative links are resolved against it,
    so a page fetched from a local mirror yields mirror URLs.
    """
    anchors = _Anchors()
    anchors.feed(html)
    anchors.close()
    found: dict[str, dict[str, NcbiCountsFile]] = {kind: {} for kind, _ in _KIND_RES}
    for href in anchors.hrefs:
        query = parse_qs(urlsplit(href).query)
        if query.get("type", [""])[0] != "rnaseq_counts" or "file" not in query:
            continue
        file_name = query["file"][0]
        kind = _classify(file_name)
        if kind is None or not _SAFE_NAME_RE.match(file_name):
            continue  # an archive-provided name must be a plain file name (no paths, no tricks)
        url = urljoin(base_url, href)
        if _origin(url) != _origin(base_url):
            continue  # GEO links its files relatively; another host is not GEO's file
        accession = query.get("acc", [None])[0]
        found[kind].setdefault(file_name, _describe(kind, file_name, url, accession))
    return NcbiCountsLinks(**{kind: tuple(files.values()) for kind, files in found.items()})
