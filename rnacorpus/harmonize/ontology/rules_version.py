"""The version of this package's rules (matching, rewrites, free-text decisions), with its history.

It lives apart from :mod:`.curated` (which re-exports it) so that the history, one line per bump, does
not crowd the reviewed tables' reader. Rule writers bump it here; on a merge of two bumps take max + 1.
"""

from __future__ import annotations

__all__ = ["ONTOLOGY_RULES_VERSION"]

#: bump when a rule of this package (matching, rewrites, free-text decisions) changes what a value
#: yields: it is part of :func:`curation_stamp`, hence of the memo salt and the pipeline salt, so
#: cached decisions and studies harmonized under the older rules are redone
#: (2: tissue spellings of :mod:`.tissue_forms`, split joined words, "Organ - site", parenthesis phrases;
#: 3: glued replicate numbers and sampling verbs around the organ;
#: 4: organ + part phrases, one-word organ names shared by a tumour phrase and its disease, dissection
#: abbreviations in the reviewed table; 5: spelling families for organ phrases inside longer values
#: when no listed name is there, adjectives with one narrower use in UBERON; 6: compound heads,
#: other lineages' UBERON blocks left out for named species, Latin -ic/-ex adjectives; 7: a comma list
#: of unrelated organs keeps its first term; 13: the organ a CL label composes with a more general cell's
#: label is the cells' origin; 14: an unread word beside an organ that names parts of it gives the one
#: part, or no answer when it names several; 15: an organ adjective before a cell kind, and a cell's own
#: layer of an organ read as the organ; 16: a one-word synonym heading '<noun> of <organ>' labels of several
#: structures is reported ambiguous; 17: an organ word before a class noun reads the organ's part of the class or
#: the organ holding its members; -ary, Latin -ula and Greek -ma adjectives; 18: mistyped organ words of tissue
#: and source values respelled when one edit from exactly one tissue-name word; 19: capitals before a class noun
#: read as the initials of a member's name; reviewed lines LV, RV; 20: an organ + part compound whose part
#: UBERON places nowhere in the organ is reported, not answered with the organ; 21: a cell's written words
#: composed like its CL label; 25: cells made in vitro from stem cells give no tissue, "<organ>-resident" cells
#: their organ, an organ word coarser than the cells' own origin reads the origin; 26: "<organ>-infiltrating"
#: cells their organ, a CL label of one tissue word before "cell" (plasma cell) gives no organ unless the word is
#: the organ's UBERON label; 27: a part found nested in an organ answers for it only when one of its names has
#: the organ's word or adjective; 28: in "<source>-derived <cells>" the cells are the kind after "derived" (before
#: "derived from"), and a stem cell as the source gives no tissue; 29: an unread word beside an organ is compared
#: with UBERON's nouns through all adjective endings tissue_forms knows (-ary, -ine, -ile, -an too); 30: a part
#: word alone that UBERON names for three or more unrelated organs (septum, capsule, medulla) stays unmapped;
#: 31: a piece cut off a site (ear notch, ear punch, tail snip) is a filler word beside the site; 32: blood-lineage
#: cells named by a serous membrane's adjective come from its cavity (peritoneal macrophages); 33: a Latin organ
#: adjective before a part word that names no term alone reads the organ's part (vesical wall, vesical serosa);
#: 34: a mistyped word one edit from several name words is read when its neighbours settle it (cerebral cortx);
#: 35: a per-organ part after its organ is the organ's own one, by its name or the organ's own adjective; 36: the
#: reviewed row small airway epithelial cell implies the bronchiole; 37: an adjective of a per-organ part reads
#: the part when every organ's one is filed under it (urothelial), a labelled noun beats a synonym's whole; 38: an
#: unread adjective beside an organ reads the one part its noun heads the name of (gastric antral -> pyloric antrum);
#: 39: a label written without its leading organ adjective reaches its term (vocal folds); 43: a word naming a
#: period of life beside an organ (adult skin, fetal liver under a cell-type key) is no unread part word;
#: 70: a one-word tissue synonym that is its label cut short (prostate, eyeball) is trusted inside longer text;
#: 71: a part word with several readings is the one reading inside an organ the value names (Atrium … heart);
#: 72: a part every organ has beside an organ without one in UBERON is the organ (cortex, liver);
#: 73: a structure class alone in the plural (ganglia, glands, arteries) stays unmapped; 74: replicate, batch
#: and subject words apart from their number are bookkeeping (appendix, replicate 2); 75: a value all in
#: capitals reads as lower case for respelling and for organ words in disease phrases (KIDENY, PROSTATE CANCER);
#: 76: a misspelt or hyphen-joined place beside state words is read as when alone (adult prostrate); 77: a sex
#: word at the edge of a tissue value is set apart, numbers of bookkeeping or age never join a name, sex words
#: and pieces of accented words name no part (appendix, male; digits, 8 weeks; adrenal gland #2; bone, male);
#: 78: a number after "#" at the end of a value is dropped before the phrases are read (branchial arch #2);
#: 79: a side word joined by a hyphen does not keep the value joined (Cerebral frontal pole-right); 80: the
#: reading settled by an organ must lie inside every structure the value names (segment … left upper lobe);
#: 81: an organ named beside pluripotent stem cells is no sampled tissue (SZ_hiPSC forebrain NPCs); 82: a
#: synonym that is its label respelled is the organ's everyday name (cecum for caecum); 83: two modifiers
#: joined before one head name the head (jejunal and colic lymph node → lymph node); 84: an adjective-noun
#: synonym yields to its inverted "<part> of <organ>" label of an unrelated term (aortic arch); 85: a
#: P-notation past the first weeks is a code (P500.5), a dpc range keeps both ends (12.0-12.5 dpc); 86: a
#: note after a semicolon leaves an "Organ - site" value read (Brain - Cortex; control); 87: a first disease
#: naming no organ leaves the site to another named disease (low-grade glioma … brain tumor); 88: a preamble
#: naming no tissue before a separator is set apart (total RNA, quadriceps muscle); 97: reviewed rows read
#: only as a whole value (caudate, gut), a disease named by a structure's word as its head gives that
#: structure as its site only when MONDO classes it under a disorder of the structure (hydatidiform mole);
#: 98 (harmonize2): a bare line name before a cell kind is a line (3T3-L1 adipocytes) and a line's cells imply
#: no tissue but its reviewed origin; a word before "cell" in a disease name is its cells' kind, no site (plasma
#: cell myeloma); 98-99 (harmonize): an anatomical head noun after a tissue phrase makes it a modifier
#: (peripheral nerve sheath), words of position beside an organ keep the organ (brain area), a verb of likeness
#: governs the word after it, the organ named beside a whole embryo or larva is the sample (embryo anterior
#: tongue); 100: the two merged; 101 (harmonize2): a structure word in a disease's name is its site only when
#: MONDO classes the disease under a disorder of it (yolk sac tumor, juvenile myelomonocytic leukemia give
#: none); reprogrammed or transdifferentiated cells are made in vitro, lower-case stem-cell initials ending in
#: "sc" and "derived <cells> from <stem cells>" too; a reviewed abbreviation holding a digit is read in any case (ca1);
#: 102 (harmonize); 103 (harmonize2): pluripotent stem cells beside another cell kind are grown in a dish, the
#: head kind is the cells (foreskin fibroblast iPSC, iPSC cardiomyocytes); a tumour under a cell-type key gives
#: its site; 104 (harmonize): plant words give no tissue, a metastasis is placed where it grew, "X
#: equivalent" is a stand-in like "X-like"; 105 (harmonize2): an organ adjective with several readings in a
#: disease's name is the one MONDO classes the disease under (cervical cancer → uterine cervix); 106
#: (harmonize): a part word with only a stage word or an age beside it (fetal cortex 20-22 weeks) is as bare
#: as the word alone; 107 (harmonize2): cells taken from another named population come from where it does
#: (lymphocytes from PBMC → blood); 108 (harmonize): a tissue type with the organ it makes up in parentheses
#: names the organ (skeletal muscle (soleus)); 109 (harmonize): a respelled word never overrides an organ
#: written beside it (Ambion … Brain, athymic mice); 110 (harmonize): a day code (E16, P7) beside a part word
#: leaves it bare, a tissue written before "invasive"/"invasion" stages a tumour (muscle invasive bladder
#: tumor); 111 (harmonize): two modifiers glued by a slash before a generic head name two structures
#: (somatosensory/motor cortex); 112 (harmonize2): adipocytes named with a depot come from that depot's fat
#: (omental adipocytes → omental fat pad), blood or lymphatic before endothelial cells names the vessels (the
#: cells' own origin stays), cells differentiated from a cell line or from cells named with no tissue come
#: from no tissue, a tissue-type word beside cells (mesenchymal fibroblasts) is no origin, an organ only a CL
#: synonym's label names is not the depositor's (blastomere cell); 113 (harmonize): a generic part beside a
#: tumour of an organ is that organ's (epithelial, ovarian carcinoma → ovary); 114 (harmonize2): a fat depot's
#: stromal-vascular fraction comes from the depot (subcutaneous SVF); reviewed rows marrow, organ of Corti;
#: 115 (harmonize2): cells named by
#: CD markers and qualifying words are the CL kind whose name states them (CD8_Naive_Primary_Cells), an organ word
#: before a cell kind is CL's kind of it named with the organ (renal epithelial cells), a stage prefix written
#: apart joins its kind (pre-adipocyte), a CL label's "X-derived" is no origin, "<source> derived" cells with no
#: kind after the source name no cell type; reviewed rows alpha cell, hematopoietic progenitor cell, MEP;
#: 114 (harmonize): lists of 3+ unrelated organs name a pool, a CL term tagged '(Mmus)' is never picked for another
#: organism; 116: the two merged; 115 (harmonize): a compound organ word written as two words is read joined,
#: a gene symbol glued by a hyphen is split off, a site after a colon is read as after GTEx's dash; 117: merged;
#: 116 (harmonize): a generic part right after a tumour word is the tumour's, the organ beside it the tissue;
#: 118: merged; 119 (harmonize2): a tissue word that is no organ before "cells" names CL's "<word> cell"
#: (Endoderm Cultured Cells); 119 (harmonize): an adjective of a kind of tissue alone ("lymphoid", "neural")
#: names no tissue; 120: merged; 121 (harmonize): a qualifier in parentheses already read into the tissue
#: (adipose (subcutaneous)) refines nothing alone; reviewed row bare "subcutaneous" → hypodermis; 122
#: (harmonize): an organ adjective before a disease sited in a part of it gives the part (uterine
#: endometrial cancer), a fly's tissue written without UBERON's "insect" reaches the insect term (wing
#: discs), a word only inside a hyphenated modifier of a name names no part (disc-derived), a neuron named
#: by its transmitter is CL's "-ergic" kind (dopamine neurons); 122 (harmonize2): a three-letter
#: abbreviation with no vowel is read in any case (hcc, rcc); one CD marker alone names the kind CL gives
#: it (CD14 → monocyte); "<modifier> <kind>" names CL's "<modifier> cell" under the kind (granule
#: neurons); preadipocyte → adipose tissue; 123: merged)
ONTOLOGY_RULES_VERSION = "123"
