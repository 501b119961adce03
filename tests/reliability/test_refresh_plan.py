"""The refresh window and the watermark rule, as pure functions (no I/O)."""

from __future__ import annotations

import datetime as dt

import pytest

from rnacorpus.errors import ConfigError
from rnacorpus.pipeline.refresh_plan import RefreshWindow, next_watermark, plan_refresh

D = dt.date
TODAY = D(2026, 11, 24)


def test_the_window_starts_lag_days_before_the_watermark() -> None:
    window = plan_refresh(D(2024, 7, 20), now=TODAY, lag_days=3)
    assert (window.start, window.end, window.basis, window.base) == (D(2024, 7, 17), None, "watermark", D(2024, 7, 20))
    assert not window.stateless


def test_since_wins_and_is_taken_as_given() -> None:
    window = plan_refresh(D(2024, 7, 20), now=TODAY, lag_days=3, since=D(2024, 1, 1))
    assert (window.start, window.basis) == (D(2024, 1, 1), "since")
    assert window.base == D(2024, 7, 20), "an earlier --since never rewinds the watermark"


def test_first_refresh_of_a_harvested_catalog_starts_from_its_newest_study() -> None:
    window = plan_refresh(None, now=TODAY, lag_days=2, catalog_newest=D(2024, 6, 1))
    assert (window.start, window.basis, window.base, window.watermark) == (
        D(2024, 5, 30),
        "catalog",
        D(2024, 6, 1),
        None,
    )


def test_first_refresh_of_an_empty_catalog_needs_since() -> None:
    with pytest.raises(ConfigError, match="--since"):
        plan_refresh(None, now=TODAY)
    window = plan_refresh(None, now=TODAY, since=D(2020, 1, 1))
    assert window.base == window.start == D(2020, 1, 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lag_days": -1}, "--lag-days"),
        ({"since": D(2027, 1, 1)}, "future"),
        ({"until": D(2024, 7, 1)}, "--until"),
    ],
)
def test_inconsistent_bounds_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        plan_refresh(D(2024, 7, 20), now=TODAY, **kwargs)  # type: ignore[arg-type]


def test_until_makes_a_stateless_backfill() -> None:
    window = plan_refresh(D(2024, 7, 20), now=TODAY, since=D(2023, 1, 1), until=D(2023, 12, 31))
    assert window.stateless and window.end == D(2023, 12, 31)


def window(base: D) -> RefreshWindow:
    return RefreshWindow(start=base - dt.timedelta(days=3), end=None, basis="watermark", watermark=base, base=base)


def test_the_watermark_moves_to_the_newest_study_loaded() -> None:
    assert next_watermark(window(D(2024, 7, 20)), [D(2024, 7, 18), D(2024, 9, 1), None], []) == D(2024, 9, 1)


def test_the_watermark_never_moves_backwards() -> None:
    assert next_watermark(window(D(2024, 7, 20)), [D(2024, 7, 18)], []) == D(2024, 7, 20)
    assert next_watermark(window(D(2024, 7, 20)), [], []) == D(2024, 7, 20)


def test_a_failed_study_of_known_date_caps_the_watermark_at_that_date() -> None:
    done = [D(2024, 8, 1), D(2024, 8, 20), D(2024, 10, 1)]
    assert next_watermark(window(D(2024, 7, 20)), done, [D(2024, 9, 1)]) == D(2024, 8, 20)
    assert next_watermark(window(D(2024, 7, 20)), done, [D(2024, 9, 1), D(2024, 8, 5)]) == D(2024, 8, 1)


def test_a_failure_of_unknown_date_holds_the_watermark() -> None:
    assert next_watermark(window(D(2024, 7, 20)), [D(2024, 10, 1)], [None, D(2024, 12, 1)]) == D(2024, 7, 20)


def test_the_next_window_always_reaches_back_to_a_failed_study() -> None:
    """Whatever the run did, a study that failed in this window lies inside the next one."""
    base = D(2024, 7, 20)
    lag = dt.timedelta(days=3)
    for failed in [D(2024, 7, 17), D(2024, 7, 20), D(2024, 8, 2), None]:
        done = [D(2024, 7, 19), D(2024, 8, 1), D(2024, 8, 3), D(2024, 12, 1)]
        new = next_watermark(window(base), done, [failed])
        following = plan_refresh(new, now=TODAY, lag_days=3)
        assert following.start <= (failed or base - lag), (failed, new)
