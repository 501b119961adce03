"""Characteristic keys as submitters write them → the harmonized fields their values may feed.

A key is normalized (``OrganismPart`` → ``organism part``, ``age_years`` → ``age years``), then
checked in a fixed order, first match wins:

1. exact special keys (``source_name``, no key, ``common name`` …), then assay keys (``library
   strategy``, ``library construction``, ``platform``, ``assay type`` …);
2. *hard* exclusions — keys about the assay, identifiers, dates, doses, survival … never feed a field;
3. field patterns: cell line, cell type, age, sex, development stage, disease, tissue, strain,
   genotype, treatment, organism, then generic source-like and status-like keys;
4. *soft* exclusions (individual, donor, patient …) — after the patterns, so ``donor age`` is an age;
5. anything else feeds no field, with that reason.

Each kind lists its candidate fields, the *primary* first: a ``tissue`` key may also yield a cell
type (``tissue: CD4+ T cells``), a disease (``tissue: colorectal cancer``) or an embryonic age
(``tissue: embryo day 6.5``); a ``disease`` key yields a disease and at most a separately named tissue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rnacorpus.harmonize.memo import memoize
from rnacorpus.harmonize.ontology.age import canonical_unit

__all__ = ["KIND_FIELDS", "TEXT_FIELDS", "KeyInfo", "detect_key", "normalize_key"]

#: fields recorded as deposited text (no ontology in scope for them here)
TEXT_FIELDS = ("strain", "genotype", "treatment")

#: key kind → candidate fields, primary first
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "tissue": ("tissue", "cell_type", "cell_line", "disease", "age", "development_stage"),
    "source": ("tissue", "cell_type", "cell_line", "disease", "sex", "age", "development_stage"),
    "cell_type": ("cell_type", "cell_line", "tissue", "disease"),
    "cell_line": ("cell_line", "cell_type", "disease"),
    "disease": ("disease", "tissue"),
    "status": ("disease", "tissue", "cell_type"),
    "sex": ("sex",),
    "age": ("age", "development_stage"),
    "development_stage": ("development_stage", "age"),
    "organism": ("organism",),
    "assay": ("assay",),
    "strain": ("strain",),
    "genotype": ("genotype",),
    "treatment": ("treatment",),
    "none": (),
}

_SPECIAL = {
    "": "source",
    "source name": "source",
    "sourcename": "source",
    "source": "source",
    "common name": "organism",
    "scientific name": "organism",
    "cell source": "tissue",
    "embryonic day": "age",
    "postnatal day": "age",
}
# Keys about how the library was made name the assay (checked before the bookkeeping exclusions,
# which otherwise take every "library …" and "platform" key).
_ASSAY_KEY = re.compile(
    r"^(?:library (?:strategy|construction(?: protocol| method| kit)?|prep(?:aration)?(?: kit| protocol| method)?|"
    r"type|kit|protocol|method|chemistry|source)|assay(?: type| name| method)?|experiment(?:al)? type|"
    r"(?:seq(?:uencing)? )?platform|technology|sequencing (?:technology|platform|method|chemistry|type|protocol)|"
    r"(?:single ?cell|sc) (?:platform|technology|chemistry|protocol|method)|chemistry|"
    r"transcriptomics? (?:method|technology))$"
)
_HARD_EXCLUSIONS = re.compile(
    r"\b(?:ids?|identifier|accession|barcode|date|batch|replicate|rep|lane|run|flowcell|flow cell|library|"
    r"protocol|molecule|analyte|rna|dna|chip|antibody|antibodies|array|platform|instrument|channel|label|"
    r"index|submitter|repository|package|pipeline|datapipeline|file|reads?|sequencing|survival|unit|units|"
    r"time ?point|score|result|outcome|count|number|ratio|percentage|percent|content|purity|fraction|"
    r"concentration|dose|dosage|weight|height|bmi|temperature|ph|rin|pmi|passages?|generation|smoking|"
    r"packyears|pack years|race|ethnicity|ancestry|name|comment|title|design|model|size|volume|grade|"
    r"staging|stage at diagnosis|duration|onset|progression|severity|status at|free|data)\b"
)
_SOFT_EXCLUSIONS = re.compile(
    r"\b(?:individual|donor|patient|subject|family|twin|study|project|time|clinical information|"
    r"clinical history|history|initial)\b"
)
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("cell_line", re.compile(r"\bcell ?lines?\b|\bcellline\b|\bcell strain\b")),
    (
        "cell_type",
        re.compile(r"\bcell ?types?\b|\bcell population\b|\bcell subsets?\b|\bcell subtype\b|\bsorted cells?\b"),
    ),
    ("age", re.compile(r"\bages?\b|\bage(?:d|s)? ?(?:at|of|in)\b")),
    ("sex", re.compile(r"\b(?:sex|gender)\b")),
    (
        "tissue",
        re.compile(r"\b(?:tumou?r|cancer|primary|biopsy|anatomic|sampling|sample|body) site\b|\btissue of origin\b"),
    ),
    (
        "development_stage",
        re.compile(
            r"\b(?:developmental|development|dev|life|life cycle) ?stages?\b|\bdevstage\b|"
            r"\bstage of development\b|\btime in development\b|\bdevelopmental time\b|"
            r"\b(?:theiler|carnegie) stage\b|^stages?$"
        ),
    ),
    (
        "disease",
        re.compile(
            r"\b(?:disease|diseases|diagnosis|dx|pathology|histology|histological type|tumou?r type|"
            r"cancer type|cancer|tumou?r|illness|disorder|syndrome|infection status|health status|"
            r"health state|subtype|molecular subtype|clinical status)\b"
        ),
    ),
    (
        "tissue",
        re.compile(
            r"\b(?:tissues?|organism ?part|organ|body ?site|body part|"
            r"anatomical (?:site|part|location|entity)|sampling site|sample site|biopsy site|site of biopsy|"
            r"tissue of origin|source tissue|tumou?r site|cancer site|primary site|anatomic site|"
            r"brain region|region|biopsy|organoid origin)\b"
        ),
    ),
    ("strain", re.compile(r"\b(?:strains?|background|srain|ecotype|cultivar|breed)\b")),
    (
        "genotype",
        re.compile(
            r"\b(?:genotype|genotypes|genetic modification|geneticmodification|mutation|mutations|transgene|"
            r"knockout|knockdown|shrna|sirna|sgrna|variation|allele|genetic variant)\b"
        ),
    ),
    (
        "treatment",
        re.compile(
            r"\b(?:treatments?|treated(?: with)?|agent|compound|drug|drugs|stimulation|stimulus|stimuli|"
            r"infection|infected(?: with)?|exposure|exposed(?: to)?|vaccine|vaccination|therapy|medium|media|"
            r"growth condition|culture condition|growth_condition)\b"
        ),
    ),
    ("organism", re.compile(r"\b(?:organism|species|host|taxon|taxonomy)\b")),
    ("source", re.compile(r"\b(?:sample type|sample source|sample|specimen|biomaterial|material|source)\b")),
    (
        "status",
        re.compile(r"\b(?:status|condition|group|phenotype|state|class|category|cohort|type|classification)\b"),
    ),
]
_KEY_UNIT = re.compile(r"\b(years?|yrs?|y|yo|months?|mos?|m|weeks?|wks?|wk|w|days?|d|hours?|hrs?|h)\b")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class KeyInfo:
    key: str | None
    normalized: str
    kind: str
    #: a unit the key itself states ("age (months)"), applied when the value has none
    age_unit: str | None = None
    reason: str | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return KIND_FIELDS[self.kind]

    @property
    def primary(self) -> str | None:
        return self.fields[0] if self.fields else None


@memoize(maxsize=1 << 14)
def normalize_key(key: str | None) -> str:
    """Key as compared: ``OrganismPart`` → ``organism part``, ``Characteristics [Age]`` → ``age``."""
    if not key:
        return ""
    text = re.sub(r"^\s*(?:characteristics?|factor ?value)\s*\[(.*)\]\s*$", r"\1", key, flags=re.IGNORECASE)
    text = _CAMEL.sub(" ", text)
    text = re.sub(r"[_\-.:;,\[\]()/\\]+", " ", text.lower())
    text = re.sub(r"\bch\d\b", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _age_unit(normalized: str) -> str | None:
    rest = re.sub(r"\bages?\b|\bat\b|\bof\b|\bin\b|\bdonor\b|\bpatient\b|\bsubject\b", " ", normalized)
    if "embryonic day" in normalized:
        return "embryonic day"
    if "postnatal day" in normalized:
        return "postnatal day"
    if "gestation" in normalized:
        return "gestational week" if re.search(r"\bweeks?|wks?|gw\b", normalized) else None
    match = _KEY_UNIT.search(rest)
    return canonical_unit(match.group(1)) if match else None


@memoize(maxsize=1 << 14)
def detect_key(key: str | None) -> KeyInfo:
    """Which fields a characteristic key may feed (see the module docstring for the order)."""
    normalized = normalize_key(key)
    kind = _SPECIAL.get(normalized) or ("assay" if _ASSAY_KEY.match(normalized) else None)
    if kind is None:
        if _HARD_EXCLUSIONS.search(normalized) and not normalized.startswith(("age", "sex", "gender")):
            return KeyInfo(key, normalized, "none", reason=f"key {key!r} describes the assay or bookkeeping")
        kind = next((name for name, pattern in _PATTERNS if pattern.search(normalized)), None)
        if kind is None or (kind in {"source", "status"} and _SOFT_EXCLUSIONS.search(normalized)):
            return KeyInfo(key, normalized, "none", reason=f"key {key!r} is not a harmonized field")
    if kind == "disease" and re.search(r"\b(?:stage|staging|grade)\b", normalized):
        return KeyInfo(key, normalized, "none", reason=f"key {key!r} is a tumour stage or grade, not a diagnosis")
    unit = _age_unit(normalized) if kind == "age" else None
    return KeyInfo(key, normalized, kind, age_unit=unit)
