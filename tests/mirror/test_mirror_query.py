"""The search-term language: Entrez's fields, left-to-right operators, ranges, translations."""

from __future__ import annotations

from datetime import date

import pytest

from rnacorpus.mirror.query import Op, Term, date_bounds, parse_term, render, same_query


def test_field_aliases_translate_to_entrez_names() -> None:
    assert render(parse_term("GSE93374[ACCN]").root) == "GSE93374[GEO Accession]"
    assert render(parse_term("gse[etyp]").root) == "gse[Entry Type]"
    assert render(parse_term('"Homo sapiens"[Organism]').root) == '"Homo sapiens"[Organism]'
    assert render(parse_term("cancer").root) == "cancer[All Fields]"


def test_the_harvesters_discovery_term_parses() -> None:
    term = '(breast cancer) AND gse[ETYP] AND "Homo sapiens"[ORGN] AND ("2020/01/01"[MDAT] : "3000"[MDAT])'
    root = parse_term(term).root
    assert render(root) == (
        '(breast[All Fields] AND cancer[All Fields]) AND gse[Entry Type] AND "Homo sapiens"[Organism] AND '
        "2020/01/01[MDAT] : 3000[MDAT]"
    )
    assert isinstance(root, Op) and isinstance(root.right, Term)
    assert (root.right.field, root.right.value, root.right.upper) == ("MDAT", "2020/01/01", "3000")


def test_operators_apply_left_to_right_and_words_side_by_side_mean_and() -> None:
    root = parse_term("a OR b AND c").root
    assert isinstance(root, Op) and root.op == "AND"
    assert isinstance(root.left, Op) and root.left.op == "OR"
    implicit = parse_term("breast cancer").root
    assert isinstance(implicit, Op) and implicit.op == "AND"


def test_lower_case_operators_are_words() -> None:
    root = parse_term("salt and pepper").root
    assert isinstance(root, Op) and root.op == "AND"
    assert isinstance(root.left, Op) and isinstance(root.left.right, Term) and root.left.right.value == "and"


def test_ranges_without_spaces_and_with_one_tag() -> None:
    root = parse_term("2020/01:2020/06[PDAT]").root
    assert isinstance(root, Term)
    assert date_bounds(root) == (date(2020, 1, 1), date(2020, 6, 30))


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ('"2020"[PDAT]', (date(2020, 1, 1), date(2020, 12, 31))),
        ('"2021/02"[PDAT]', (date(2021, 2, 1), date(2021, 2, 28))),
        ('"2019/05/15"[MDAT]', (date(2019, 5, 15), date(2019, 5, 15))),
        ('"1900/01/01"[MDAT] : "3000"[MDAT]', (date(1900, 1, 1), date(3000, 12, 31))),
    ],
)
def test_date_terms_cover_whole_periods(text: str, bounds: tuple[date, date]) -> None:
    root = parse_term(text).root
    assert isinstance(root, Term)
    assert date_bounds(root) == bounds


def test_unknown_fields_are_dropped_and_reported() -> None:
    parsed = parse_term("cancer AND foo[NoSuchField]")
    assert render(parsed.root) == "cancer[All Fields]"
    assert parsed.fields_not_found == ("NoSuchField",)


def test_unbalanced_parentheses_are_tolerated() -> None:
    assert render(parse_term("(gse[ETYP]").root) == "gse[Entry Type]"
    assert render(parse_term("gse[ETYP])").root) == "gse[Entry Type]"
    assert parse_term("").root is None


def test_the_default_field_parameter_applies_to_untagged_terms() -> None:
    parsed = parse_term("DANIO_RERIO", "scin", foreign=True)
    assert same_query(parsed, parse_term("DANIO_RERIO[Scientific Name]", foreign=True))


def test_same_query_ignores_aliases_case_and_quotes() -> None:
    assert same_query(parse_term("GSE93374[GEO Accession]"), parse_term("gse93374[accn]"))
    assert same_query(parse_term('"Mus musculus"[ORGN]'), parse_term('"mus musculus"[Organism]'))
    assert not same_query(parse_term("GSE1[ACCN]"), parse_term("GSE2[ACCN]"))
