"""Orchestration across the four parts: harvest, refresh, the run report."""

from rnacorpus.pipeline.report import NullProgress, Progress, RunReport, StudyResult

__all__ = ["NullProgress", "Progress", "RunReport", "StudyResult"]
