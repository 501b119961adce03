"""What submitters write in GEO characteristics: keys, values and their misspellings (for generated corpora).

The words come from how real series describe samples (``tissue: liver``, ``organism part: Liver``,
``Sex: F``, ``age: 54 yrs``, ``treatment: LPS 100 ng/ml, 4h`` …). A generated series draws its design
once — which fields it reports, under which spelling of each key, with which handful of values — and
then every sample from that design, as one submitter would. Typos follow the families seen in
deposits: a swapped, dropped or doubled letter, a changed case, stray punctuation or spaces. Values
that name a person or a number (donor IDs, ages, doses, times) take many distinct forms, so a corpus
of 10^6 samples holds both few distinct ``(key, value)`` pairs for ontology fields and a long tail of
one-off values. Nothing here is real data.
"""

from __future__ import annotations

import random

__all__ = ["FIELD_KEYS", "VOCABULARY", "misspell"]

#: the spellings submitters use for one kind of characteristic (the first is the common one)
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "tissue": ("tissue", "Tissue", "organism part", "tissue type", "organ", "source tissue", "tissue/cell type"),
    "cell_type": ("cell type", "Cell type", "celltype", "cell population", "cell subset", "sorted population"),
    "cell_line": ("cell line", "Cell line", "cell-line", "cell line name", "cells"),
    "disease": ("disease state", "disease", "Disease", "diagnosis", "disease status", "condition", "phenotype"),
    "sex": ("Sex", "sex", "gender", "Gender"),
    "age": ("age", "Age", "age (years)", "age at diagnosis", "donor age", "age (weeks)", "age at sacrifice"),
    "stage": ("developmental stage", "development stage", "stage", "embryonic day"),
    "treatment": ("treatment", "Treatment", "agent", "stimulation", "compound", "drug"),
    "genotype": ("genotype", "Genotype", "genotype/variation", "strain/background", "genetic background"),
    "strain": ("strain", "Strain", "mouse strain", "background strain"),
    "time": ("time", "time point", "timepoint", "Time", "time post infection", "duration"),
    "individual": ("individual", "donor", "patient id", "subject", "donor id", "patient", "mouse id"),
    "batch": ("batch", "Batch", "sequencing batch", "library batch", "lane"),
    "replicate": ("replicate", "biological replicate", "rep"),
}

TISSUES = (
    "liver", "lung", "kidney", "heart", "brain", "hippocampus", "cerebellum", "frontal cortex",
    "prefrontal cortex", "striatum", "spinal cord", "skeletal muscle", "gastrocnemius muscle",
    "adipose tissue", "subcutaneous adipose tissue", "visceral adipose tissue", "skin", "colon",
    "small intestine", "ileum", "stomach", "pancreas", "pancreatic islets", "spleen", "thymus",
    "bone marrow", "peripheral blood", "whole blood", "blood", "lymph node", "breast", "prostate",
    "testis", "ovary", "uterus", "endometrium", "placenta", "retina", "cornea", "thyroid gland",
    "adrenal gland", "esophagus", "urinary bladder", "aorta", "tonsil", "synovial tissue",
    "dorsal root ganglion", "trachea", "nasal epithelium", "airway epithelium", "tumor", "primary tumor",
    "normal adjacent tissue", "PBMC", "cord blood", "hypothalamus", "olfactory bulb", "kidney cortex",
)  # fmt: skip
CELL_TYPES = (
    "T cells", "CD4+ T cells", "CD8+ T cells", "regulatory T cells", "B cells", "NK cells", "monocytes",
    "CD14+ monocytes", "macrophages", "bone marrow-derived macrophages", "neutrophils", "dendritic cells",
    "fibroblasts", "dermal fibroblasts", "hepatocytes", "primary hepatocytes", "keratinocytes",
    "endothelial cells", "HUVEC", "epithelial cells", "microglia", "astrocytes", "neurons",
    "cortical neurons", "cardiomyocytes", "iPSC-derived cardiomyocytes", "mesenchymal stem cells",
    "hematopoietic stem cells", "embryonic stem cells", "beta cells", "adipocytes", "myoblasts",
    "smooth muscle cells", "oligodendrocytes", "podocytes", "alveolar macrophages", "Kupffer cells",
)  # fmt: skip
CELL_LINES = (
    "HeLa", "HEK293", "HEK293T", "MCF-7", "MCF7", "A549", "HepG2", "K562", "Jurkat", "U2OS", "THP-1",
    "SH-SY5Y", "LNCaP", "PC-3", "HCT116", "Caco-2", "H1", "H9", "MDA-MB-231", "U87", "Huh7", "A375",
    "HaCaT", "IMR-90", "GM12878", "RAW 264.7", "NIH/3T3", "C2C12", "3T3-L1", "MIN6", "N2a", "mESC E14",
)  # fmt: skip
DISEASES = (
    "healthy", "control", "normal", "Healthy control", "Alzheimer's disease", "Parkinson's disease",
    "breast cancer", "triple-negative breast cancer", "lung adenocarcinoma", "type 2 diabetes",
    "COVID-19", "rheumatoid arthritis", "ulcerative colitis", "Crohn's disease", "psoriasis",
    "multiple sclerosis", "hepatocellular carcinoma", "glioblastoma", "acute myeloid leukemia", "sepsis",
    "asthma", "NASH", "chronic kidney disease", "melanoma", "colorectal cancer", "systemic lupus erythematosus",
    "idiopathic pulmonary fibrosis", "atopic dermatitis", "obesity", "heart failure", "schizophrenia",
)  # fmt: skip
SEXES = ("male", "female", "Male", "Female", "M", "F", "unknown", "pooled male and female")
TREATMENTS = (
    "vehicle", "DMSO", "untreated", "control", "LPS", "dexamethasone", "IFN-gamma", "TNF-alpha", "IL-4",
    "tamoxifen", "doxycycline", "cisplatin", "rapamycin", "metformin", "insulin", "TGF-beta1", "PMA",
    "forskolin", "siControl", "siRNA", "high-fat diet", "chow diet", "hypoxia", "mock", "SARS-CoV-2",
)  # fmt: skip
GENOTYPES = (
    "wild type", "WT", "wildtype", "knockout", "KO", "heterozygous", "Cre+ flox/flox", "Cre- flox/flox",
    "shControl", "shRNA knockdown", "CRISPR control", "transgenic", "Tp53-/-", "Apoe-/-", "ob/ob", "db/db",
)  # fmt: skip
STRAINS = ("C57BL/6J", "C57BL/6", "C57BL/6N", "BALB/c", "129S1/SvImJ", "FVB/N", "DBA/2J", "CD-1", "NOD/SCID")
STAGES_MOUSE = ("adult", "embryonic day 14.5", "E18.5", "E12.5", "postnatal day 7", "P0", "P21", "8 weeks")
UNITS_DOSE = ("uM", "µM", "nM", "ng/ml", "ng/mL", "mg/kg", "ug/ml")

#: what each field's values are drawn from; callables make one-off values (IDs, ages, doses)
VOCABULARY: dict[str, tuple[str, ...]] = {
    "tissue": TISSUES,
    "cell_type": CELL_TYPES,
    "cell_line": CELL_LINES,
    "disease": DISEASES,
    "sex": SEXES,
    "treatment": TREATMENTS,
    "genotype": GENOTYPES,
    "strain": STRAINS,
    "stage": STAGES_MOUSE,
}


def misspell(text: str, rng: random.Random) -> str:
    """One slip of the kind submitters make: swap, drop or double a letter, change case, stray marks.

    Never leading or trailing blanks: SOFT keeps none (values are stripped where they are read).
    """
    letters = [k for k, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text + rng.choice(("", ".", "?"))
    slip = rng.randrange(7)
    k = rng.choice(letters[1:-1])
    if slip == 0:
        return text[:k] + text[k + 1] + text[k] + text[k + 2 :]
    if slip == 1:
        return text[:k] + text[k + 1 :]
    if slip == 2:
        return text[:k] + text[k] + text[k:]
    if slip == 3:
        return text.upper() if len(text) < 12 else text.capitalize()
    if slip == 4:
        return text + rng.choice((".", ";", ",", " -"))
    if slip == 5:
        return text.replace(" ", "_") if " " in text else text.lower()
    return text.replace(" ", "  ", 1) if " " in text else text + "s"


def age_text(organism: str, rng: random.Random) -> str:
    """An age the way submitters write it: bare numbers, units spelled many ways, ranges, censored."""
    if organism != "Homo sapiens":
        value = rng.choice((6, 8, 10, 12, 16, 24, 52, 78, 104))
        return rng.choice((f"{value} weeks", f"{value}wk", f"{value} wks", f"{value} weeks old", f"{value}w"))
    years = rng.randint(18, 92)
    form = rng.randrange(9)
    if form == 0:
        return str(years)
    if form == 1:
        return f"{years} years"
    if form == 2:
        return f"{years}y"
    if form == 3:
        return f"{years} yrs"
    if form == 4:
        low = years // 10 * 10
        return f"{low}-{low + 9}"
    if form == 5:
        return ">89" if years > 89 else f"{years} year"
    if form == 6:
        return f"{years}.{rng.randint(0, 9)}"
    if form == 7:
        return f"{years * 12} months"
    return f"{years} Y"


def dose_text(treatment: str, rng: random.Random) -> str:
    """A treatment with a dose and a duration (many distinct strings), or the bare name."""
    if treatment in {"vehicle", "DMSO", "untreated", "control", "mock", "chow diet", "siControl"}:
        return treatment
    shape = rng.randrange(4)
    dose = rng.choice((0.1, 0.5, 1, 2, 5, 10, 20, 50, 100, 250))
    unit = rng.choice(UNITS_DOSE)
    hours = rng.choice((1, 2, 4, 6, 8, 12, 24, 48, 72))
    if shape == 0:
        return treatment
    if shape == 1:
        return f"{treatment} {dose:g} {unit}"
    if shape == 2:
        return f"{treatment} {dose:g}{unit}, {hours}h"
    return f"{treatment} ({dose:g} {unit}) for {hours} hours"


def time_text(rng: random.Random) -> str:
    value = rng.choice((0, 1, 2, 3, 4, 6, 8, 12, 24, 48, 72, 96))
    forms = (f"{value}h", f"{value} h", f"{value} hours", f"day {value // 24 or 1}", f"{value}hr", f"T{value}")
    return rng.choice(forms)
