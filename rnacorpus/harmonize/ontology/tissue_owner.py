"""A tissue type with, in parentheses, the organ it makes up: the organ is what was sampled.

Family: ``skeletal muscle (soleus)``, ``skeletal muscle (left plantaris)``, ``neural tissue
(hypothalamus)``, ``bone tissue (calvaria)`` — depositors name the kind of tissue first and then, in
parentheses, which organ of that tissue they took. UBERON relates the two only through the organ the
tissue is a part of (skeletal muscle tissue is part of a *skeletal muscle organ*; the soleus is a
skeletal muscle organ), so the organ in parentheses is no kind or part of the tissue itself and the
parenthesis used to be dropped, leaving the generic tissue. The organ wins when it is a kind or part
of one of the tissue's *owners*: the structures one step above the tissue in the ontology that are
not themselves tissues (skeletal muscle organ, nervous system, bone element).

Only for a tissue type, an UBERON term that is a tissue and is named as one ("… tissue"): a structure
that merely contains another (bone marrow, part of a bone) is no tissue the bone is made of, so
``bone marrow (femur)`` stays bone marrow. Developmental grouping classes one step above a tissue
(mesoderm-derived structure) own nothing.
"""

from __future__ import annotations

import re

from rnacorpus.harmonize.ontology.index import OntologyIndex

__all__ = ["organ_made_of"]

_TISSUE = "UBERON:0000479"
#: grouping classes by origin ("mesoderm-derived structure", "structure with developmental
#: contribution from neural crest"): a tissue is classified under them, not a part of them
_GROUPING = re.compile(r"\bstructure\b")


def organ_made_of(tissue_id: str, organ_id: str, index: OntologyIndex) -> bool:
    """Is ``organ_id`` a kind or part of an owner of the tissue type ``tissue_id`` (see the module)?"""
    above = index.ancestors(tissue_id)
    if _TISSUE not in above or not (index.label(tissue_id) or "").endswith(" tissue"):
        return False
    for owner, distance in above.items():
        if distance != 1 or owner == _TISSUE or _TISSUE in index.ancestors(owner):
            continue
        if _GROUPING.search(index.label(owner) or ""):
            continue
        if owner == organ_id or index.is_ancestor(owner, organ_id):
            return True
    return False
