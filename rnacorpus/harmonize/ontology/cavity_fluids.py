"""Fluid washed out of or drained from a cavity, named by the cavity's adjective: the cavity.

Family: ``peritoneal exudate`` (cells), ``peritoneal lavage``, ``pleural exudate``, ``uterine
lavage``, ``nasal washings`` — a word for what is washed or drained out (:data:`FLUID_WORDS`) after
the adjective of a structure with a cavity. UBERON names the cavity ("peritoneal cavity", "uterine
cavity", "nasal cavity") but neither the lavage nor (but generically) the exudate: the sample is what
the cavity held, and the cavity is where it was taken from (the tuning split's ``peritoneal exudate
cells``; as ``peritoneal macrophages`` are the peritoneal cavity's). The rewrite "<adjective> cavity"
is looked up like every other tissue rewrite (:func:`~.match.match_text`), so only a cavity UBERON
names is an answer.

Inside longer text (``peritoneal exudate macrophages``, ``pleural lavage cells from patient 3``)
the two words are read as the cavity before the fluid word alone claims the generic "exudate"
(:func:`cavity_reading`): the adjective narrows the fluid to one cavity, so the rewrite never hides
a shorter name of another thing.

Not this family: a fluid UBERON names itself (``pleural effusion``, ``peritoneal fluid``,
``bronchoalveolar lavage`` through the reviewed table), which the direct rules read first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol, TypeVar

__all__ = ["FLUID_WORDS", "cavity_reading", "cavity_rewrites"]


class _Reading(Protocol):
    @property
    def ambiguous(self) -> bool: ...


_R = TypeVar("_R", bound=_Reading)

#: what is washed or drained out of a cavity
FLUID_WORDS = frozenset({"exudate", "exudates", "lavage", "lavages", "washing", "washings", "wash"})


def cavity_rewrites(text: str) -> Iterator[str]:
    """ "<adjective> cavity" for a two-word phrase "<adjective> <fluid word>"."""
    words = text.split()
    if len(words) == 2 and words[1].lower() in FLUID_WORDS and words[0].isalpha():
        yield f"{words[0].lower()} cavity"


def cavity_reading(text: str, read: Callable[[str], _R | None]) -> _R | None:
    """The cavity ``read`` finds for "<adjective> <fluid word>" (a phrase inside a longer value),
    when it names one term; None for any other phrase."""
    for name in cavity_rewrites(text):
        hit = read(name)
        if hit is not None and not hit.ambiguous:
            return hit
    return None
