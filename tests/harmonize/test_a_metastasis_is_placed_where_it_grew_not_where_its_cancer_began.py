"""A tissue value naming a metastasis gives the place it grew (after "to"/"in", in parentheses, or
just before "metastasis"/"met"), never the organ its cancer began in; with no place said, the
primary's organ (an adjective before "metastatic", or a cancer's site) gives no tissue. "Metastatic
<organ> tumor" is a secondary tumour in that organ, and a disease that names its own place (lymph node
metastasis) is read as before."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic

LYMPH_NODE, LIVER, LUNG, BRAIN = "UBERON:0000029", "UBERON:0002107", "UBERON:0002048", "UBERON:0000955"


def _tissue(value: str) -> tuple[str | None, str | None]:
    found = [a for a in annotate_characteristic("tissue", value) if a.field == "tissue"]
    return (found[0].term_id, found[0].reason) if found else (None, None)


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("tongue squamous cell carcinoma metastatic to cervical lymph node", "UBERON:0002429"),
        ("oral carcinoma metastatic to the mouse lymph node, passage 2", LYMPH_NODE),
        ("colorectal metastatic tumor (liver)", LIVER),
        ("pancreatic tumour metastasized to liver", LIVER),
        ("melanoma metastasis to the brain", BRAIN),
        ("breast cancer lung metastasis", LUNG),
        ("lymph node metastasis of breast cancer", LYMPH_NODE),  # MONDO's disease names its place
        ("metastatic lung tumor", LUNG),  # a secondary tumour in the lung
        ("lung, metastatic", LUNG),  # a state after the separator
    ],
)
def test_the_place_the_metastasis_grew_is_the_tissue(value: str, term: str) -> None:
    assert _tissue(value)[0] == term


@pytest.mark.parametrize(
    "value",
    [
        "colorectal metastatic sample from surgery",
        "pancreatic metastatic lesion",
        "metastatic breast cancer tumor",
        "metastatic colorectal carcinoma biopsy",
    ],
)
def test_the_primary_organ_alone_gives_no_tissue(value: str) -> None:
    term, reason = _tissue(value)
    assert term is None
    assert reason is not None and "metastasis" in reason


def test_a_value_without_a_metastasis_word_is_unchanged() -> None:
    assert _tissue("colorectal tumor")[0] in {"UBERON:0012652", "UBERON:0001155"}
    assert _tissue("breast cancer tumor")[0] in {"UBERON:0000310", "UBERON:0001911"}
