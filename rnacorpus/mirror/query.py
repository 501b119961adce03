"""A small Entrez search-term language for ``db=gds``: parse, translate back, evaluate.

Supported: ``GSE123[ACCN]`` / ``[GEO Accession]``, ``gse[ETYP]`` / ``[Entry Type]``,
``"Homo sapiens"[ORGN]`` / ``[Organism]``, ``[GTYP]`` / ``[DataSet Type]``, ``"rnaseq counts"[Filter]``,
``[Title]``, dates and ranges on ``[PDAT]`` (publication) and ``[MDAT]`` (last update), e.g.
``"2020/01/01"[PDAT] : "2020/12/31"[PDAT]``, untagged free text (all fields), ``AND`` / ``OR`` / ``NOT``
and parentheses. As in Entrez, operators apply left to right with no precedence and words side by
side mean ``AND``. A term with a field the database does not have is dropped (Entrez reports it in
``errorlist.fieldsnotfound`` and searches with the rest).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = ["FIELDS", "Op", "ParsedQuery", "Term", "parse_term", "render", "same_query"]

#: alias (lower case) → (field key, the name Entrez prints in a translation)
FIELDS: dict[str, tuple[str, str]] = {}
for _key, _display, _aliases in (
    ("ACCN", "GEO Accession", ("accn", "geo accession", "accession")),
    ("ETYP", "Entry Type", ("etyp", "entry type")),
    ("ORGN", "Organism", ("orgn", "organism")),
    ("GTYP", "DataSet Type", ("gtyp", "dataset type", "gds type")),
    ("PDAT", "Publication Date", ("pdat", "publication date")),
    ("MDAT", "Update Date", ("mdat", "update date", "modification date")),
    ("TITL", "Title", ("titl", "title", "ti")),
    ("FILT", "Filter", ("filt", "filter", "sb")),
    ("ALL", "All Fields", ("all", "all fields")),
    ("UID", "UID", ("uid",)),
):
    for _alias in _aliases:
        FIELDS[_alias] = (_key, _display)
#: fields of other databases, known only so that recorded answers can be matched to requests
_FOREIGN_FIELDS = {"scin": ("SCIN", "Scientific Name"), "scientific name": ("SCIN", "Scientific Name")}
DATE_FIELDS = frozenset({"PDAT", "MDAT"})
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_TOKEN = re.compile(
    r'\s*(?:(?P<quoted>"[^"]*"?)|(?P<field>\[[^\]]*\]?)|(?P<paren>[()])|(?P<colon>:)|(?P<word>[^\s()\[\]":]+))'
)


@dataclass(frozen=True)
class Term:
    field: str  # a key from FIELDS, or "?name" for a field this database does not have
    value: str
    upper: str | None = None  # the end of a range (dates)
    display: str = ""  # the field name as Entrez prints it
    quoted: bool = False


@dataclass(frozen=True)
class Op:
    op: str  # AND, OR or NOT
    left: Node
    right: Node
    grouped: bool = False


Node = Term | Op


@dataclass(frozen=True)
class ParsedQuery:
    root: Node | None
    fields_not_found: tuple[str, ...] = field(default_factory=tuple)


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            break
        position = match.end()
        kind = match.lastgroup
        if kind is not None:
            yield kind, match.group(kind)


class _Parser:
    def __init__(self, text: str, default_field: str | None, foreign: bool) -> None:
        self.tokens = list(_tokens(text))
        self.at = 0
        self.default_field = default_field
        self.foreign = foreign
        self.not_found: list[str] = []

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expression(self) -> Node | None:
        node = self.operand()
        while (token := self.peek()) is not None and token != ("paren", ")"):
            op = "AND"
            if token[0] == "word" and token[1] in _OPERATORS:  # Entrez: operators are upper case
                op = self.take()[1]
            right = self.operand()
            node = _combine(op, node, right)
        return node

    def operand(self) -> Node | None:
        token = self.peek()
        if token is None:
            return None
        if token == ("paren", "("):
            self.take()
            inner = self.expression()
            if self.peek() == ("paren", ")"):
                self.take()
            return Op(inner.op, inner.left, inner.right, grouped=True) if isinstance(inner, Op) else inner
        if token[0] in {"colon", "field"} or token == ("paren", ")"):
            self.take()  # stray punctuation: Entrez shrugs, so do we
            return None
        return self.term()

    def atom(self) -> tuple[str, bool, str | None]:
        kind, text = self.take()
        quoted = kind == "quoted"
        value = text.strip('"') if quoted else text
        tag = None
        if (token := self.peek()) is not None and token[0] == "field":
            tag = self.take()[1].strip("[]").strip()
        return value, quoted, tag

    def term(self) -> Node | None:
        value, quoted, tag = self.atom()
        upper = None
        if self.peek() is not None and self.peek() == ("colon", ":"):
            self.take()
            if (token := self.peek()) is not None and token[0] in {"word", "quoted"}:
                upper, _, upper_tag = self.atom()
                tag = tag or upper_tag
        return self.make_term(value, quoted, tag, upper)

    def make_term(self, value: str, quoted: bool, tag: str | None, upper: str | None) -> Term | None:
        name = tag or self.default_field
        if name is None:
            return Term("ALL", value, upper, "All Fields", quoted)
        known = FIELDS.get(name.lower()) or _FOREIGN_FIELDS.get(name.lower())
        if known is not None and (self.foreign or known[0] != "SCIN"):
            return Term(known[0], value, upper, known[1], quoted)
        if self.foreign:
            return Term("?" + name.lower(), value, upper, name, quoted)
        self.not_found.append(name)
        return None


def _combine(op: str, left: Node | None, right: Node | None) -> Node | None:
    if left is None:
        return right if op != "NOT" else None
    if right is None:
        return left
    return Op(op, left, right)


def parse_term(text: str, default_field: str | None = None, *, foreign: bool = False) -> ParsedQuery:
    """Parse ``text``; ``default_field`` is the esearch ``field`` parameter for untagged terms.

    ``foreign=True`` keeps fields this database lacks (to compare recorded translations from other
    databases); otherwise they are dropped and listed in ``fields_not_found``.
    """
    if default_field is not None:
        default_field = default_field.strip() or None
    parser = _Parser(text, default_field, foreign)
    root = parser.expression()
    while parser.peek() is not None:  # unbalanced ")": skip it and carry on, AND-ing the rest
        parser.take()
        root = _combine("AND", root, parser.expression())
    return ParsedQuery(root, tuple(parser.not_found))


def _render_value(term: Term) -> str:
    return f'"{term.value}"' if (term.quoted and term.field not in DATE_FIELDS) or " " in term.value else term.value


def _render_term(term: Term) -> str:
    if term.field in DATE_FIELDS:
        tag = term.field
        low = f"{term.value}[{tag}]"
        return f"{low} : {term.upper}[{tag}]" if term.upper is not None else low
    return f"{_render_value(term)}[{term.display}]"


def render(node: Node | None) -> str:
    """The query as Entrez would print it back in ``querytranslation``."""
    if node is None:
        return ""
    if isinstance(node, Term):
        return _render_term(node)
    left = render(node.left)
    right = render(node.right)
    if isinstance(node.left, Op) and (node.left.grouped or node.left.op != node.op):
        left = f"({left})"
    if isinstance(node.right, Op):
        right = f"({right})"
    return f"{left} {node.op} {right}"


def _canonical(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, Term):
        upper = f":{node.upper}" if node.upper is not None else ""
        return f"{node.field}={node.value.lower()}{upper}"
    return f"({_canonical(node.left)} {node.op} {_canonical(node.right)})"


def same_query(a: ParsedQuery, b: ParsedQuery) -> bool:
    """Whether two parsed terms ask the same thing (field aliases, case and quoting aside)."""
    return a.root is not None and _canonical(a.root) == _canonical(b.root)


def date_bounds(term: Term) -> tuple[date, date] | None:
    """The inclusive day range a date term covers (``2020`` is the whole year, ``2020/03`` a month)."""
    low = _parse_date(term.value, end=False)
    high = _parse_date(term.upper if term.upper is not None else term.value, end=True)
    if low is None or high is None:
        return None
    return low, high


def _parse_date(text: str, *, end: bool) -> date | None:
    parts = [part for part in re.split(r"[/\-.]", text.strip().strip('"')) if part]
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        return None
    if not numbers or not 1 <= numbers[0] <= 9999:
        return None
    year = numbers[0]
    month = numbers[1] if len(numbers) > 1 else (12 if end else 1)
    if not 1 <= month <= 12:
        return None
    if len(numbers) > 2:
        day = numbers[2]
    elif end:
        if year == date.max.year and month == 12:
            return date.max
        following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return following - timedelta(days=1)
    else:
        day = 1
    try:
        return date(year, month, day)
    except ValueError:
        return None
