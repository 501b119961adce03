"""The job lane runs a group's jobs one at a time in submission order, and a take-over hands back the
group's queued jobs only once none of them runs on the lane."""

from __future__ import annotations

import threading

import pytest

from rnacorpus.catalog.job_lane import JobLane


def test_jobs_run_in_order_and_a_take_over_gets_the_rest_after_the_running_one() -> None:
    lane = JobLane("test-lane")
    started, release = threading.Event(), threading.Event()
    done: list[str] = []

    def blocking() -> None:
        started.set()
        release.wait(10)
        done.append("a1")

    groups = {"a": object(), "b": object()}  # a group is any object, told apart by identity
    lane.submit(groups["a"], blocking)
    for name in ("a2", "b1", "a3"):
        lane.submit(groups[name[0]], lambda name=name: done.append(name))
    assert started.wait(10)
    taken: list[list[object]] = []
    taker = threading.Thread(target=lambda: taken.append(list(lane.take_over(groups["a"]))))
    taker.start()
    taker.join(0.2)
    assert taker.is_alive()  # a1 runs on the lane: the take-over waits for it
    release.set()
    taker.join(10)
    assert done[0] == "a1"
    assert len(taken[0]) == 2  # a2 and a3, handed back in order, never run by the lane
    for job in taken[0]:
        job()  # type: ignore[operator]
    lane.close()
    assert [d for d in done if d.startswith("a")] == ["a1", "a2", "a3"]
    assert "b1" in done  # another group's job still ran on the lane


def test_a_closed_lane_takes_no_job() -> None:
    lane = JobLane("test-lane")
    lane.close()
    with pytest.raises(RuntimeError):
        lane.submit("g", lambda: None)
