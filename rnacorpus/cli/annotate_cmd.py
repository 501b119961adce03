"""``rnacorpus annotate``: explain what the harmonizer decides for deposited characteristics.

Reads ``key<TAB>value`` lines on stdin (one deposited characteristic per line; a line without a tab is
a key-less value) and writes JSON lines to stdout, with or without ``--json``: one object per field the
characteristic yields — ``key, value, field, term_id, term_label, method, confidence, reason`` plus
``age_value, age_unit, age_min, age_max, age_qualifier`` for ages — or one object with ``field`` null
and the ``reason`` when it yields nothing. Without ``--json`` a one-line summary also goes to stderr.

It calls :func:`rnacorpus.harmonize.ontology.explain_characteristic`, the function behind
``annotate_characteristic`` and the harvest's ``annotate_sample``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rnacorpus.cli import app
from rnacorpus.cli._common import JsonOpt, VerboseOpt, emit_json_lines, setup_logging
from rnacorpus.errors import ConfigError

if TYPE_CHECKING:
    from rnacorpus.harmonize.ontology import Explanation

__all__ = ["annotate", "explanation_rows"]

OrganismOpt = Annotated[
    str, typer.Option("--organism", help="human | mouse (or another species name, or an NCBI taxon ID)")
]
_AGE_FIELDS = ("age_value", "age_unit", "age_min", "age_max", "age_qualifier")


def explanation_rows(explanation: Explanation) -> Iterator[dict[str, Any]]:
    """The JSON objects ``rnacorpus annotate`` prints for one characteristic."""
    if not explanation.annotations:
        yield {
            "key": explanation.key,
            "value": explanation.value,
            "field": None,
            "term_id": None,
            "term_label": None,
            "method": None,
            "confidence": None,
            "reason": explanation.reason,
        }
        return
    for annotation in explanation.annotations:
        row: dict[str, Any] = {
            "key": explanation.key,
            "value": explanation.value,
            "field": annotation.field,
            "term_id": annotation.term_id,
            "term_label": annotation.term_label,
            "method": annotation.method,
            "confidence": annotation.confidence,
            "reason": annotation.reason,
        }
        if annotation.field == "age":
            row.update({name: getattr(annotation, name) for name in _AGE_FIELDS})
        yield row


def _split(line: str) -> tuple[str | None, str]:
    key, tab, value = line.partition("\t")
    return (key.strip() or None, value) if tab else (None, line)


@app.command("annotate")
def annotate(organism: OrganismOpt = "human", json_output: JsonOpt = False, verbose: VerboseOpt = 0) -> None:
    """Harmonize ``key<TAB>value`` characteristics from stdin; say per field what was decided and why."""
    from rnacorpus.harmonize.ontology import explain_characteristic, get_index
    from rnacorpus.harmonize.ontology.curated import resolve_taxon

    setup_logging(verbose)
    try:
        taxid = resolve_taxon(organism)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--organism") from exc
    index = get_index()
    rows: list[dict[str, Any]] = []
    for line in sys.stdin.read().splitlines():
        if not line.strip():
            continue
        key, value = _split(line)
        rows.extend(explanation_rows(explain_characteristic(key, value, organism=taxid, index=index)))
    emit_json_lines(rows)
    if not json_output:
        mapped = sum(1 for row in rows if row["term_id"] or row.get("age_unit"))
        sys.stderr.write(f"{len(rows)} decisions ({organism}): {mapped} mapped, {len(rows) - mapped} without a term\n")
