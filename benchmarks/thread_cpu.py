"""CPU seconds per thread of this process while a block runs, read from the kernel, not from a profiler.

cProfile times the thread it profiles by the wall clock: in a parse whose worker threads run native
code, every wait of the main thread to take the GIL back is booked to whatever call released it, and
the main thread looks like the pace-setter when it is not. :class:`ThreadCPU` instead samples each
thread's own CPU time (``/proc/self/task/<tid>/stat``: user + system ticks) every ``interval``
seconds and sums it by thread name (``soft-tables_0`` and ``soft-tables_1`` → ``soft-tables``, with
how many threads had that name). A thread that ends between two samples loses at most its last
``interval`` of CPU. Linux only; elsewhere the result is empty.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from types import TracebackType

__all__ = ["ThreadCPU"]

_TASKS = Path("/proc/self/task")
_NUMBERED = re.compile(r"^Thread-\d+ |[_-]\d+$")


class ThreadCPU:
    """``with ThreadCPU() as cpu: …`` then ``cpu.by_name()``: {name: (threads, CPU seconds)}."""

    def __init__(self, interval: float = 0.05) -> None:
        self._interval = interval
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._start: dict[int, float] = {}
        self._last: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._run, name="thread-cpu-sampler", daemon=True)

    def _read(self) -> dict[int, float]:
        seconds: dict[int, float] = {}
        if not _TASKS.is_dir():
            return seconds
        for task in _TASKS.iterdir():
            try:
                stat = (task / "stat").read_text()
            except OSError:  # the thread ended between listdir and read
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            seconds[int(task.name)] = (int(fields[11]) + int(fields[12])) / self._tick
        return seconds

    def _sample(self) -> None:
        names = {thread.native_id: thread.name for thread in threading.enumerate()}
        for tid, seconds in self._read().items():
            name = "main" if tid == os.getpid() else names.get(tid, self._last.get(tid, ("other", 0.0))[0])
            self._last[tid] = (name, seconds)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def __enter__(self) -> ThreadCPU:
        self._start = self._read()
        self._sampler.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._sampler.join()
        self._sample()

    @property
    def own_seconds(self) -> float:
        """The sampler's own CPU (~1 % of a parse's): subtract it from the process CPU measured around
        the block, so that watching the threads does not add to what is measured."""
        tid = self._sampler.native_id
        if tid is None or tid not in self._last:
            return 0.0
        return self._last[tid][1] - self._start.get(tid, 0.0)

    def by_name(self) -> dict[str, tuple[int, float]]:
        """CPU seconds spent inside the block, summed over the threads of each name (the sampler's own
        thread and names under 5 ms left out)."""
        sums: dict[str, tuple[int, float]] = {}
        sampler = self._sampler.native_id
        for tid, (name, seconds) in self._last.items():
            if tid == sampler:
                continue
            key = _NUMBERED.sub("Thread " if name.startswith("Thread-") else "", name).strip() or name
            count, total = sums.get(key, (0, 0.0))
            sums[key] = (count + 1, total + seconds - self._start.get(tid, 0.0))
        kept = {name: value for name, value in sums.items() if value[1] >= 0.005}  # idle pools: not worth a line
        return dict(sorted(kept.items(), key=lambda item: -item[1][1]))
