"""pyHanko's synchronous calls start their own event loop; where one already runs (an ASGI
server, the browser tests' Playwright) they must still work."""

import asyncio

import pytest

from oneseal import eventloops


async def seven() -> int:
    return 7


def test_a_coroutine_runs_inside_a_running_loop_and_outside_one():
    async def inside() -> tuple[int, int]:
        refused = seven()
        with pytest.raises(RuntimeError):
            asyncio.run(refused)
        refused.close()
        return eventloops.run(seven()), eventloops.call_blocking(asyncio.run, seven())

    # The test thread itself may hold a running loop (a browser test ran before on this worker).
    assert eventloops.run(inside()) == (7, 7)
    assert eventloops.run(seven()) == 7
