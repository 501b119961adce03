"""A first segment naming no tissue before a comma or a spaced dash (``total RNA, quadriceps muscle``,
``RNA - Brain - Cortex``) says what was extracted, not the organ of an "Organ, site" value: the shape
is read on what follows. Before, the preamble took the organ's place and the value was read as
"Organ, site" from its first tissue word (quadriceps muscle → the quadriceps femoris's muscle tissue,
lung lymph node → lung). Values whose first segment names the organ (``lung, alveolar wall``) are
unchanged."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


@pytest.mark.parametrize("value", ["quadriceps muscle", "lung lymph node", "Brain - Cortex", "lung, alveolar wall"])
def test_the_preamble_changes_nothing(value: str) -> None:
    expected = _tissue(value)
    assert expected is not None
    for preamble in ("total RNA, ", "RNA - ", "sample 3, "):
        assert _tissue(preamble + value) == expected, preamble + value
