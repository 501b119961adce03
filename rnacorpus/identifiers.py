"""What an accession names: which archive issued it and what kind of record it is. Pure, no I/O.

One table of patterns serves every part that must tell accessions apart (sources choosing what to
ask an archive, the catalog's identity rules, the mirror). The families (INSDC prefixes are shared
by NCBI ``S``, EBI ``E`` and DDBJ ``D``):

====================  ======================  ==========================================
kind                  examples                one record is
====================  ======================  ==========================================
``geo_series``        GSE1299                 a GEO series (study)
``geo_sample``        GSM30361                a GEO sample
``arrayexpress``      E-MTAB-3050, E-GEOD-1   an ArrayExpress / BioStudies study
``sra_study``         SRP048683, ERP006216    an INSDC (SRA/ENA/DDBJ) study
``bioproject``        PRJNA264040, PRJEB1     a BioProject
``experiment``        SRX725593, ERX2552493   an INSDC experiment (one library)
``run``               SRR1603661, ERR2534072  an INSDC run (one sequencing run)
``sra_sample``        SRS716925, ERS2428787   an INSDC sample
``biosample``         SAMN03502652, SAMEA1    a BioSample (one physical sample)
``submission``        SRA188845               an INSDC submission
====================  ======================  ==========================================

``E-GEOD-n`` is GEO's ``GSEn`` imported into ArrayExpress (ARCHIVES §3); :func:`geo_twin` says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ARCHIVE_RANK",
    "SAMPLE_LINK_KINDS",
    "Accession",
    "AccessionKind",
    "classify",
    "geo_twin",
    "natural_key",
]

AccessionKind = Literal[
    "geo_series",
    "geo_sample",
    "geo_platform",
    "arrayexpress",
    "arrayexpress_array",
    "sra_study",
    "bioproject",
    "experiment",
    "run",
    "sra_sample",
    "biosample",
    "submission",
]

#: kinds that name one physical sample (or a library / run of exactly one sample): two records that
#: state the same accession of these kinds are the same physical sample
SAMPLE_LINK_KINDS: frozenset[str] = frozenset({"geo_sample", "experiment", "run", "sra_sample", "biosample"})

#: which record of one physical sample (or which twin of one study) the catalog keeps: GEO first
#: (ArrayExpress stopped importing GEO and E-GEOD is a stale copy, ARCHIVES §3), then ArrayExpress,
#: then ENA/SRA records, which carry the least sample metadata
ARCHIVE_RANK: dict[str, int] = {"geo": 0, "arrayexpress": 1, "ena": 2}

_INSDC_ARCHIVE = {"S": "sra", "E": "ena", "D": "ddbj"}
_BIOSAMPLE_ARCHIVE = {"N": "ncbi", "E": "ebi", "D": "ddbj"}


@dataclass(frozen=True)
class Accession:
    accession: str
    kind: AccessionKind
    #: the archive that issued it: geo, arrayexpress, sra, ena, ddbj, bioproject, biosamples
    archive: str


_PATTERNS: list[tuple[re.Pattern[str], AccessionKind, str | None]] = [
    (re.compile(r"^GSE\d+$"), "geo_series", "geo"),
    (re.compile(r"^GSM\d+$"), "geo_sample", "geo"),
    (re.compile(r"^GPL\d+$"), "geo_platform", "geo"),
    (re.compile(r"^E-[A-Z]{4}-\d+$"), "arrayexpress", "arrayexpress"),
    (re.compile(r"^A-[A-Z]{4}-\d+$"), "arrayexpress_array", "arrayexpress"),
    (re.compile(r"^([SED])RP\d+$"), "sra_study", None),
    (re.compile(r"^PRJ[NED][A-Z]\d+$"), "bioproject", "bioproject"),
    (re.compile(r"^([SED])RX\d+$"), "experiment", None),
    (re.compile(r"^([SED])RR\d+$"), "run", None),
    (re.compile(r"^([SED])RS\d+$"), "sra_sample", None),
    (re.compile(r"^([SED])RA\d+$"), "submission", None),
    (re.compile(r"^SAM(?:N|EA?|EG|D)\d+$"), "biosample", "biosamples"),
]


#: :data:`_PATTERNS` as one alternation, tried in the table's order (the first that matches the
#: whole text wins, as in a loop over the table): one match a call instead of up to twelve (a build
#: classifies several accessions a sample). Each pattern is its named group ``p<i>``; an INSDC
#: pattern's issuer letter is the text's first character, as its group 1 says.
_ANY = re.compile(
    "^(?:" + "|".join(f"(?P<p{i}>{pattern.pattern[1:-1]})" for i, (pattern, _, _) in enumerate(_PATTERNS)) + ")$"
)


def classify(text: str) -> Accession | None:
    """The accession's kind and issuing archive; None for text that is no accession we know.

    Surrounding whitespace is ignored and the comparison is case-sensitive on purpose: archives
    print accessions upper-case, and ``gsm1`` in free text is more often something else.
    """
    accession = text.strip()
    match = _ANY.match(accession)
    if match is None or match.lastgroup is None:
        return None
    _, kind, archive = _PATTERNS[int(match.lastgroup[1:])]
    return Accession(accession, kind, archive if archive is not None else _INSDC_ARCHIVE[accession[0]])


_EGEOD = re.compile(r"^E-GEOD-(\d+)$")
_GSE = re.compile(r"^GSE(\d+)$")


def geo_twin(accession: str) -> str | None:
    """``E-GEOD-n`` ↔ ``GSEn`` (ArrayExpress's import of a GEO series keeps its number)."""
    if match := _EGEOD.match(accession):
        return f"GSE{match.group(1)}"
    if match := _GSE.match(accession):
        return f"E-GEOD-{match.group(1)}"
    return None


_DIGITS = re.compile(r"(\d+)")


def natural_key(accession: str) -> tuple[str | int, ...]:
    """Sort key that orders ``GSM9`` before ``GSM10`` (digits compare as numbers)."""
    parts: list[str | int] = []
    for index, piece in enumerate(_DIGITS.split(accession)):
        parts.append(int(piece) if index % 2 else piece)
    return tuple(parts)
