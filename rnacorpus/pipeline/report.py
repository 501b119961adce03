"""What a harvest or refresh did, study by study, in a form both people and machines read."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from rnacorpus.progress import NullProgress, Progress

__all__ = ["NullProgress", "Outcome", "Progress", "RunReport", "StudyResult"]

Outcome = Literal["new", "updated", "unchanged", "failed", "withdrawn"]


@dataclass(frozen=True)
class StudyResult:
    accession: str
    outcome: Outcome
    step: str = "load"
    message: str | None = None
    error_kind: str | None = None
    n_samples: int = 0


@dataclass
class RunReport:
    run_id: str
    command: str
    results: list[StudyResult] = field(default_factory=list)
    #: set when the run could not start or stopped early (exit code 2)
    fatal: str | None = None
    catalog: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        tally = Counter(r.outcome for r in self.results)
        counts = {name: tally.get(name, 0) for name in ("new", "updated", "unchanged", "failed", "withdrawn")}
        counts["ok"] = counts["new"] + counts["updated"] + counts["unchanged"] + counts["withdrawn"]
        return counts

    @property
    def failed(self) -> list[StudyResult]:
        return [r for r in self.results if r.outcome == "failed"]

    @property
    def exit_code(self) -> int:
        """0 all good, 1 some studies failed, 2 could not run."""
        if self.fatal:
            return 2
        return 1 if self.failed else 0

    def summary_line(self) -> str:
        c = self.counts
        line = (
            f"{self.command} {self.run_id}: {c['new']} new, {c['updated']} updated, "
            f"{c['unchanged']} unchanged, {c['failed']} failed"
        )
        if c["withdrawn"]:
            line += f", {c['withdrawn']} withdrawn"
        if self.fatal:
            line += f" — could not run: {self.fatal}"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "command": self.command,
            "catalog": self.catalog,
            "counts": self.counts,
            "exit_code": self.exit_code,
            "fatal": self.fatal,
            "results": [asdict(r) for r in self.results],
        }
