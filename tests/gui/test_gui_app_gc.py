"""The GUI exempts its start-up objects from garbage collection, so full collections stay short (issue 10)."""

from __future__ import annotations

import gc

from desktop.app import freeze_startup_objects


def test_freeze_startup_objects_moves_live_objects_out_of_the_collector() -> None:
    try:
        gc.unfreeze()
        survivor = [object() for _ in range(1000)]  # noqa: F841 (kept alive on purpose)
        freeze_startup_objects()
        assert gc.get_freeze_count() > 1000
        gc.collect()
        assert gc.get_freeze_count() > 1000  # a full collection leaves them frozen
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
