"""Which archive an accession belongs to, and whether it names something a harvest can take.

Pure: a table of accession formats per archive, no I/O. A run validates every accession it is
given *before* it starts (before the run lock, before the catalog exists): a typo (``GSE12X``),
a word (``foo``) or a record of the wrong level (``GSM…`` where a series is expected) is an input
error — exit 2 listing each bad one with what it looks like — never a study failure to quarantine.

Each :class:`AccessionFormat` says which archive issues it, what level of record it names and
whether that level is a *study* (the unit a harvest fetches, parses and loads). To teach the
harvester a new archive, append its formats to :data:`ACCESSION_FORMATS` with the ``source`` name
its :class:`~rnacorpus.harvester.base.Source` registers under; nothing else here changes.
Formats of archives without a registered source are still recognised, so that the error can say
"an ArrayExpress experiment; this rnacorpus has no arrayexpress source" instead of "unknown".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from rnacorpus.errors import ConfigError

__all__ = [
    "ACCESSION_FORMATS",
    "AccessionFormat",
    "InvalidAccession",
    "identify",
    "invalid_study_accessions",
    "normalize_accession",
    "require_study_accessions",
    "study_format",
]


@dataclass(frozen=True)
class AccessionFormat:
    #: the archive that issues it, as people name it ("GEO", "ArrayExpress", ...)
    archive: str
    #: what one accession names: "series", "sample", "platform", "experiment", "study", "project", ...
    level: str
    #: the whole accession, upper case (``fullmatch``)
    pattern: re.Pattern[str]
    #: one real-looking example, shown in error messages
    example: str
    #: the rnacorpus source that harvests it (``harvester.base`` registry name)
    source: str
    #: True when the record is a study: the unit a harvest fetches and loads
    study: bool

    def describe(self) -> str:
        article = "an" if self.archive[0] in "AEIOU" else "a"
        return f"{article} {self.archive} {self.level}"


def _fmt(archive: str, level: str, pattern: str, example: str, source: str, *, study: bool) -> AccessionFormat:
    return AccessionFormat(archive, level, re.compile(pattern), example, source, study)


#: Accession formats by archive. GEO's are documented at https://www.ncbi.nlm.nih.gov/geo/info/overview.html
#: (GSE series, GSM samples, GPL platforms, GDS curated DataSets). The EBI/INSDC rows describe the
#: formats of https://www.ebi.ac.uk/biostudies/arrayexpress/help and the INSDC accession ranges
#: (https://ena-docs.readthedocs.io/en/latest/submit/general-guide/accessions.html); their harvesters
#: register the source names given here.
ACCESSION_FORMATS: tuple[AccessionFormat, ...] = (
    # -- GEO --------------------------------------------------------------------------------------
    _fmt("GEO", "series", r"GSE\d+", "GSE63966", "geo", study=True),
    _fmt("GEO", "sample", r"GSM\d+", "GSM1561753", "geo", study=False),
    _fmt("GEO", "platform", r"GPL\d+", "GPL570", "geo", study=False),
    _fmt("GEO", "DataSet", r"GDS\d+", "GDS4879", "geo", study=False),
    # -- ArrayExpress / BioStudies ----------------------------------------------------------------
    _fmt("ArrayExpress", "experiment", r"E-[A-Z]{4}-\d+", "E-MTAB-5214", "arrayexpress", study=True),
    _fmt("ArrayExpress", "array design", r"A-[A-Z]{4}-\d+", "A-AFFY-44", "arrayexpress", study=False),
    # -- ENA / SRA / DDBJ (INSDC) -----------------------------------------------------------------
    _fmt("ENA/SRA", "study", r"[SED]RP\d{6,}", "SRP049776", "ena", study=True),
    _fmt("ENA/SRA", "project", r"PRJ[EDN][A-Z]\d+", "PRJNA268567", "ena", study=True),
    _fmt("ENA/SRA", "experiment", r"[SED]RX\d{6,}", "SRX764939", "ena", study=False),
    _fmt("ENA/SRA", "run", r"[SED]RR\d{6,}", "SRR1660349", "ena", study=False),
    _fmt("ENA/SRA", "sample", r"[SED]RS\d{6,}", "SRS757512", "ena", study=False),
    # -- BioSamples -------------------------------------------------------------------------------
    _fmt("BioSamples", "sample", r"SAM(?:N|EA|D)\d+", "SAMN03198707", "biosamples", study=False),
)

#: what a study-level accession of each archive looks like, for "did you mean" hints
_STUDY_HINTS: dict[str, str] = {}
for _f in ACCESSION_FORMATS:
    if _f.study:
        _STUDY_HINTS.setdefault(_f.archive, _f.example)


def normalize_accession(text: str) -> str:
    """Accessions are case-insensitive and often pasted with spaces: ``" gse1299 "`` → ``GSE1299``."""
    return text.strip().upper()


def identify(accession: str) -> AccessionFormat | None:
    """The format an accession has (after normalizing), or None when no archive issues it."""
    text = normalize_accession(accession)
    for candidate in ACCESSION_FORMATS:
        if candidate.pattern.fullmatch(text):
            return candidate
    return None


@dataclass(frozen=True)
class InvalidAccession:
    """One accession a harvest cannot take, and why (for the exit-2 message)."""

    accession: str
    reason: str

    def __str__(self) -> str:
        return f"{self.accession!r} ({self.reason})"


def _looks_like(text: str) -> str:
    """Why a string matches no format: the archive prefix it starts with, if any."""
    prefixes = sorted(
        {m.group(0) for f in ACCESSION_FORMATS if (m := re.match(r"[A-Z]+-?", f.example)) is not None},
        key=len,
        reverse=True,
    )
    for prefix in prefixes:
        if text.startswith(prefix):
            owner = next(f for f in ACCESSION_FORMATS if f.example.startswith(prefix))
            return f"starts like {owner.describe()} but is not one; e.g. {owner.example}"
    examples = ", ".join(_STUDY_HINTS.values())
    return f"not an accession of any archive rnacorpus knows; studies look like {examples}"


def _reason(text: str, sources: Collection[str] | None) -> str | None:
    found = identify(text)
    if found is None:
        return _looks_like(normalize_accession(text))
    if not found.study:
        series = next((f for f in ACCESSION_FORMATS if f.archive == found.archive and f.study), None)
        hint = f"; give its {series.level} ({series.example[:3]}…)" if series is not None else ""
        return f"{found.describe()}, not a study{hint}"
    if sources is not None and found.source not in sources:
        return f"{found.describe()}; this rnacorpus has no {found.source} source yet"
    return None


def invalid_study_accessions(
    accessions: Iterable[str], *, sources: Collection[str] | None = None
) -> list[InvalidAccession]:
    """Every accession a harvest cannot take as a study, in the order given (pure).

    ``sources``: the registered source names; an accession of an archive without one is invalid
    too. None skips that check (format only).
    """
    bad: list[InvalidAccession] = []
    for accession in accessions:
        reason = _reason(accession, sources)
        if reason is not None:
            bad.append(InvalidAccession(accession.strip(), reason))
    return bad


def study_format(accession: str, *, sources: Collection[str] | None = None) -> AccessionFormat:
    """The format of one study accession, or a :class:`ConfigError` saying what it looks like instead."""
    reason = _reason(accession, sources)
    found = identify(accession)
    if reason is not None or found is None:
        raise ConfigError(f"cannot harvest {InvalidAccession(accession.strip(), reason or '')}")
    return found


def require_study_accessions(accessions: Sequence[str], *, sources: Collection[str] | None = None) -> list[str]:
    """The accessions normalized, or one :class:`ConfigError` listing every bad one."""
    bad = invalid_study_accessions(accessions, sources=sources)
    if bad:
        listed = "; ".join(str(item) for item in bad)
        noun = "accession" if len(bad) == 1 else f"{len(bad)} accessions"
        raise ConfigError(f"cannot harvest {noun}: {listed}")
    return [normalize_accession(a) for a in accessions]
