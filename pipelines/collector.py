"""Python's cycle collector, for a command whose millions of objects live until it ends.

A release holds every page it reads until it has written the version (at 100,000 notices: their
records, policies and signatures, most of them loaded from the readings kept from earlier nights),
and a site build every record, digest and row of its pages. The collector, each time enough new
objects were made, would go through them all again: half the time of a night's reading and a third
of a site build. The command that owns the work enters ``rare_collections`` once, around all of it,
and settles what it holds once it has read it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

YOUNG = 100_000  # new objects between two collections of the youngest generation (Python's default: 700)


@contextmanager
def rare_collections() -> Iterator[Callable[[], None]]:
    """The youngest generation collected every YOUNG new objects until the block ends, then the
    collector's thresholds as they were. Yields ``settle``: called once what the block made so far
    will live until it ends (a release's pages, once read), it takes those objects out of the
    collector's walks (gc.freeze) until the block ends."""
    thresholds = gc.get_threshold()
    gc.set_threshold(YOUNG, *thresholds[1:])
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
