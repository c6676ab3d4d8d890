"""Progress bars for long commands (tqdm on stderr, silent when not a terminal unless asked)."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from tqdm import tqdm


def progress_bar(enabled: bool):
    def wrap(items: Iterable, *, desc: str = "") -> Iterable:
        if not enabled:
            return items
        return tqdm(items, desc=desc, unit=" rows", file=sys.stderr, leave=True, dynamic_ncols=True)

    return wrap
