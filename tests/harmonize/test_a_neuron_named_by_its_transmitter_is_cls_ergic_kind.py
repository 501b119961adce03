"""Family: a neuron named by the noun of the transmitter it releases (``dopamine neurons``, ``midbrain
dopamine neurons``, ``serotonin neurons``, ``GABA neurons``, ``glutamate neurons``): CL labels the kind
with the "-ergic" adjective (dopaminergic neuron, midbrain dopaminergic neuron). Before, only the head
(neuron) was read. Words that are no transmitter's noun before "neurons" (granule, motor) are read as
before."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _cell_type(value: str) -> str | None:
    found = [a.term_id for a in annotate_characteristic("cell type", value, organism="human") if a.field == "cell_type"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("dopamine neurons", "CL:0000700"),
        ("Dopamine neuron", "CL:0000700"),
        ("midbrain dopamine neurons", "CL:2000097"),
        ("serotonin neurons", "CL:0000850"),
        ("GABA neurons", "CL:0000617"),
        ("glutamate neurons", "CL:0000679"),
    ],
)
def test_the_ergic_kind_is_read(value: str, term: str) -> None:
    assert _cell_type(value) == term


@pytest.mark.parametrize(("value", "term"), [("motor neurons", "CL:0000100"), ("cultured neurons", "CL:0000540")])
def test_other_words_before_neurons_are_read_as_before(value: str, term: str) -> None:
    assert _cell_type(value) == term
