"""A fat depot named by where it lies, written with a head noun for fat UBERON's name does not use.

Family: ``gonadal white adipose tissue``, ``perigonadal fat``, ``perigonadal adipose tissue``,
``mesenteric WAT``: a place adjective and a fat head (fat, adipose tissue, white or brown adipose
tissue, WAT), where UBERON names the depot "<adjective> fat pad", "<adjective> fat" or "<adjective>
adipose tissue" (gonadal fat pad, perirenal fat, subcutaneous adipose tissue) — and "peri<organ>" for
the fat around the organ when UBERON names that depot by the organ's adjective alone (the gonadal fat
pad lies around the gonads). The reader found the
generic adipose tissue (or nothing) and lost the depot. Each rewrite goes through the matcher's
ordinary rules, and only a depot UBERON files under adipose tissue is an answer
(:func:`depot_rewrites` yields candidates; the caller checks the kind).

Not this family: a depot name UBERON lists as written (``perirenal fat``, ``epididymal fat`` through
the head-noun rewrite) — read first; a place adjective with no depot of its name (``perivascular``
adipose tissue stays the adipose tissue).
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["ADIPOSE_TISSUE", "depot_rewrites"]

#: UBERON's adipose tissue: every fat pad and depot is filed under it
ADIPOSE_TISSUE = "UBERON:0001013"
#: fat heads as depositors write them (last words of the value)
_HEADS = (
    ("white", "adipose", "tissue"),
    ("brown", "adipose", "tissue"),
    ("adipose", "tissue"),
    ("fat",),
    ("wat",),
    # the stromal-vascular fraction is what is left of a depot's fat when its adipocytes float off:
    # sampled from that depot (subcutaneous SVF, epididymal stromal vascular cells)
    ("stromal", "vascular", "fraction"),
    ("stromal", "vascular", "cells"),
    ("stromal", "vascular", "cell"),
    ("svf",),
    ("svfs",),
    ("svc",),
    ("svcs",),
)
_PERI = "peri"
#: letters an organ adjective keeps after "peri" (perigonadal → gonadal; not "peri" + a stub)
_ADJECTIVE_MIN = 5


def depot_rewrites(text: str) -> Iterator[tuple[str, str]]:
    """(rewrite, family): "<adjective> fat pad", "<adjective> fat" and "<adjective> adipose tissue" for
    "<adjective> <fat head>" (family ``depot``), and the same with a leading "peri" dropped from the
    adjective (``depot_around``: the caller tries those only when the adjective as written names no
    depot — perirenal fat is not the renal fat pad)."""
    words = text.lower().split()
    for head in _HEADS:
        if len(words) == len(head) + 1 and tuple(words[1:]) == head and words[0].isalpha():
            adjective = words[0]
            forms = [(adjective, "depot")]
            if adjective.startswith(_PERI) and len(adjective) - len(_PERI) >= _ADJECTIVE_MIN:
                forms.append((adjective[len(_PERI) :], "depot_around"))
            for form, family in forms:
                for name in (f"{form} fat pad", f"{form} fat", f"{form} adipose tissue"):
                    yield name, family
            return
