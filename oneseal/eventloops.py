"""pyHanko's synchronous calls (signing and validating a PDF) and the OFD signature start their
own event loop with asyncio.run(), which refuses to run in a thread that already has one: under
an ASGI server, or in the browser tests (Playwright's sync API keeps a loop in the test thread
for the whole session). There they run in a thread of their own; elsewhere directly."""

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def call_blocking(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """fn(*args, **kwargs), which may call asyncio.run() itself. It must not touch the
    database: in a thread of its own it would have another connection, outside the caller's
    transaction."""
    if not _loop_running():
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run(coroutine), also from a thread where a loop is already running."""
    return call_blocking(asyncio.run, coroutine)
