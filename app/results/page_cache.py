"""Rendered numbers of public results pages, kept per snapshot version.

A public results page is the same for every visitor in one language as long as the
stored snapshot is the same, so its rendered numbers (the expensive part: thousands
of formatted cells) are kept in this process, keyed by the survey, the snapshot's
``version`` and ``as_of``, the language and the filter. A rebuild stores a new version,
so old entries are never served again and fall out of the bounded LRU. The
questionnaire's texts are read with the snapshot: a reworded question shows after the
next rebuild (or restart).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from markupsafe import Markup

MAX_ENTRIES = 128  # about 100 KB each for a large survey

_entries: OrderedDict[Hashable, Markup] = OrderedDict()
_lock = threading.Lock()


def rendered(key: Hashable, render: Callable[[], str]) -> Markup:
    """The kept fragment for ``key``, or ``render()``'s output, kept from now on."""
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]
    fragment = Markup(render())  # noqa: S704 (a rendered, autoescaped template)
    with _lock:
        _entries[key] = fragment
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return fragment


def clear() -> None:
    with _lock:
        _entries.clear()
