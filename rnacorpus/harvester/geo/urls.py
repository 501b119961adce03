"""GEO's URL layout, in one place (ARCHIVES.md §1–2). Pure functions, no I/O.

Every URL starts with one of :data:`rnacorpus.config.ARCHIVE_HOSTS`; the HTTP client rewrites the
host for ``--mirror`` and keeps the path, so a local mirror must serve exactly these paths.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode

from rnacorpus.config import ARCHIVE_HOSTS
from rnacorpus.errors import ConfigError

__all__ = [
    "ACCESSION_RE",
    "acc_cgi_url",
    "accession_kind",
    "accession_to_gds_uid",
    "annot_url",
    "download_page_url",
    "eutils_url",
    "family_soft_url",
    "gds_uid_to_accession",
    "geo_stub",
    "matrix_dir_url",
    "matrix_file_url",
    "miniml_url",
    "ncbi_counts_file_url",
    "platform_soft_url",
    "series_dir_url",
    "suppl_dir_url",
]

ACCESSION_RE = re.compile(r"^(GSE|GSM|GPL|GDS)(\d+)$")
_UID_OFFSETS = {"GSE": 200_000_000, "GPL": 100_000_000, "GSM": 300_000_000}
_FOLDER = {"GSE": "series", "GPL": "platforms", "GDS": "datasets", "GSM": "samples"}


def accession_kind(accession: str) -> str:
    """``GSE``, ``GSM``, ``GPL`` or ``GDS``; anything else is a :class:`ConfigError`."""
    match = ACCESSION_RE.match(accession)
    if not match:
        raise ConfigError(f"not a GEO accession: {accession!r} (expected GSE…, GSM…, GPL… or GDS…)")
    return match.group(1)


def geo_stub(accession: str) -> str:
    """GEO's folder stub: the number's last three digits become ``nnn`` (GSE12345 → GSE12nnn, GSE99 → GSEnnn)."""
    accession_kind(accession)
    return re.sub(r"\d{1,3}$", "nnn", accession)


def _base(hosts: Mapping[str, str] | None, key: str) -> str:
    return (hosts or ARCHIVE_HOSTS)[key].rstrip("/")


def _record_dir(accession: str, hosts: Mapping[str, str] | None) -> str:
    folder = _FOLDER[accession_kind(accession)]
    return f"{_base(hosts, 'ncbi_ftp')}/geo/{folder}/{geo_stub(accession)}/{accession}"


def series_dir_url(gse: str, hosts: Mapping[str, str] | None = None) -> str:
    return _record_dir(gse, hosts) + "/"


def family_soft_url(gse: str, hosts: Mapping[str, str] | None = None) -> str:
    return f"{_record_dir(gse, hosts)}/soft/{gse}_family.soft.gz"


def miniml_url(gse: str, hosts: Mapping[str, str] | None = None) -> str:
    return f"{_record_dir(gse, hosts)}/miniml/{gse}_family.xml.tgz"


def matrix_dir_url(gse: str, hosts: Mapping[str, str] | None = None) -> str:
    return f"{_record_dir(gse, hosts)}/matrix/"


def matrix_file_url(gse: str, file_name: str, hosts: Mapping[str, str] | None = None) -> str:
    return f"{_record_dir(gse, hosts)}/matrix/{file_name}"


def suppl_dir_url(accession: str, hosts: Mapping[str, str] | None = None) -> str:
    return f"{_record_dir(accession, hosts)}/suppl/"


def annot_url(gpl: str, hosts: Mapping[str, str] | None = None) -> str:
    return f"{_record_dir(gpl, hosts)}/annot/{gpl}.annot.gz"


def platform_soft_url(gpl: str, hosts: Mapping[str, str] | None = None) -> str:
    return f"{_record_dir(gpl, hosts)}/soft/{gpl}_family.soft.gz"


def acc_cgi_url(
    accession: str,
    *,
    targ: str = "self",
    form: str = "text",
    view: str = "full",
    hosts: Mapping[str, str] | None = None,
) -> str:
    query = urlencode({"acc": accession, "targ": targ, "form": form, "view": view})
    return f"{_base(hosts, 'ncbi_www')}/geo/query/acc.cgi?{query}"


def download_page_url(gse: str, hosts: Mapping[str, str] | None = None) -> str:
    """The series download page that links NCBI-generated RNA-seq counts when GEO computed them."""
    return f"{_base(hosts, 'ncbi_www')}/geo/download/?{urlencode({'acc': gse})}"


def ncbi_counts_file_url(file_name: str, gse: str | None = None, hosts: Mapping[str, str] | None = None) -> str:
    """A file offered on the download page: counts need ``acc``; the annotation table does not."""
    params = {"type": "rnaseq_counts"}
    if gse is not None:
        params["acc"] = gse
    params |= {"format": "file", "file": file_name}
    return f"{_base(hosts, 'ncbi_www')}/geo/download/?{urlencode(params)}"


def eutils_url(tool: str, hosts: Mapping[str, str] | None = None) -> str:
    """``esearch`` / ``esummary`` / ``efetch`` / ``elink`` endpoint."""
    return f"{_base(hosts, 'eutils')}/entrez/eutils/{tool}.fcgi"


def gds_uid_to_accession(uid: str | int) -> str:
    """Entrez ``db=gds`` UID → accession: GSE = 2e8 + n, GPL = 1e8 + n, GSM = 3e8 + n, GDS = n."""
    number = int(uid)
    for prefix, offset in sorted(_UID_OFFSETS.items(), key=lambda item: -item[1]):
        if number > offset:
            return f"{prefix}{number - offset}"
    return f"GDS{number}"


def accession_to_gds_uid(accession: str) -> int:
    kind = accession_kind(accession)
    number = int(accession[3:])
    return number if kind == "GDS" else _UID_OFFSETS[kind] + number
