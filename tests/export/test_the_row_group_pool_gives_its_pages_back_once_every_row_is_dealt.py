"""Once every row of an export is dealt, the row groups' buffer pool hands its pages back to the
kernel: at once for each buffer not lent, and for a buffer still being encoded as soon as it is given
back — while a lent buffer keeps its pages and its rows until then. (The export's tail, the samples
table written while the lanes encode their last groups, then runs beside those few buffers instead
of the whole pool.)"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from rnacorpus.catalog.export_buffers import GroupBuffers
from tests.export.test_the_row_group_pool_is_touched_beside_the_export import _resident_pages

#: 16 MiB a buffer, 48 MiB in all
GROUP_ROWS, N_FEATURES, CAPACITY = 16, 262_144, 3

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="residency is read with mincore")


def test_spare_buffers_drop_their_pages_and_a_lent_one_only_once_given_back() -> None:
    pool = GroupBuffers(GROUP_ROWS, N_FEATURES, CAPACITY)
    pool.wait_resident()
    lent = pool.take()
    lent[:] = 3.0
    pool.drain()
    spare = [buffer for buffer in pool.pool if not np.shares_memory(buffer, lent)]
    assert len(spare) == CAPACITY - 1
    for buffer in spare:
        resident, pages = _resident_pages(buffer)
        assert pages > 4000 and resident == 0, (resident, pages)
    resident, pages = _resident_pages(lent)
    assert resident == pages and (lent == 3.0).all()  # still being encoded: untouched
    pool.give_back(lent)
    assert _resident_pages(lent)[0] == 0


def test_before_the_drain_a_given_back_buffer_stays_resident_for_the_next_group() -> None:
    pool = GroupBuffers(GROUP_ROWS, N_FEATURES, CAPACITY)
    pool.wait_resident()
    lent = pool.take()
    pool.give_back(lent)
    resident, pages = _resident_pages(lent)
    assert resident == pages
