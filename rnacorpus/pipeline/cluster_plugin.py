"""The shared token buckets as a Dask scheduler plugin (imported only where Dask is installed and used)."""

from __future__ import annotations

from distributed.diagnostics.plugin import SchedulerPlugin

from rnacorpus.pipeline.cluster_limits import SharedBuckets

__all__ = ["SharedBucketsPlugin"]


class SharedBucketsPlugin(SharedBuckets, SchedulerPlugin):  # type: ignore[misc]
    """:class:`~rnacorpus.pipeline.cluster_limits.SharedBuckets` registered on the scheduler."""
