"""Reading a large query ahead, on a connection and a thread of its own.

PostgreSQL computes the next page while Python codes and writes the current one
(the driver releases the GIL while it waits), so an export takes about as long as
the slower of the two instead of their sum. At most ``depth`` pages wait in memory.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa

DONE = object()


def read_ahead(
    engine: sa.Engine, statement: Any, page_size: int, depth: int = 2
) -> Iterator[Sequence[Any]]:
    """The rows of ``statement`` in pages, streamed through a server-side cursor."""
    pages: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(item: Any) -> bool:
        while not stop.is_set():
            try:
                pages.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            with engine.connect() as conn:
                streamed = conn.execution_options(stream_results=True, yield_per=page_size)
                for page in streamed.execute(statement).partitions():
                    if not hand_over(page):
                        return
            hand_over(DONE)
        except BaseException as error:  # handed to the reading thread, raised there
            hand_over(error)

    reader = threading.Thread(target=read, daemon=True, name="export-read-ahead")
    reader.start()
    try:
        while (item := pages.get()) is not DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join(timeout=30)
