"""The run log: contract checks on append, encode-once frames, replay and live follow."""

from __future__ import annotations

import asyncio

import pytest

from app.instrument.events import encode, make
from app.runs.log import RunLog, frame

pytestmark = pytest.mark.anyio


def event(seq: int, t: float = 0.0, kind: str = "read", **detail: object) -> dict:
    return make(seq, t, kind, "T1", "Running", "counter", 3, dict(detail))


def filled(n: int) -> RunLog:
    log = RunLog()
    for seq in range(1, n + 1):
        log.append(event(seq, seq / 10))
    return log


async def collect(log: RunLog, after: int = 0) -> bytes:
    return b"".join([chunk async for chunk in log.follow(after)])


def test_frame_is_the_canonical_json_with_its_seq_as_id() -> None:
    ev = event(7, value=3)
    assert frame(ev) == f"id: 7\ndata: {encode(ev)}\n\n".encode()


def test_the_end_event_is_named() -> None:
    end = make(9, 1.0, "end", detail={"status": "finished"})
    assert frame(end).startswith(b"event: end\nid: 9\ndata: {")


def test_append_keeps_dicts_and_frames_side_by_side() -> None:
    log = filled(3)
    assert len(log) == 3 and [e["seq"] for e in log.events] == [1, 2, 3]
    assert log.frames[1] == frame(log.events[1])
    assert log.last_t == 0.3


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        (event(5), "expected seq 4, got 5"),
        (event(3), "expected seq 4, got 3"),
        (event(4, t=0.1), "t went back in time"),
        ({"seq": 4}, "missing field"),
        (make(4, 1.0, "explode"), "unknown event kind"),
    ],
)
def test_append_refuses_what_breaks_the_contract(bad: dict, words: str) -> None:
    log = filled(3)
    with pytest.raises(ValueError, match=words):
        log.append(bad)
    assert len(log) == 3 and len(log.frames) == 3


def test_nothing_is_appended_after_the_end() -> None:
    log = filled(1)
    log.append(make(2, 0.1, "end"))
    assert log.closed
    with pytest.raises(ValueError, match="has ended"):
        log.append(event(3, 0.2))


async def test_replay_after_a_position_gives_exactly_the_rest() -> None:
    log = filled(5)
    log.append(make(6, 1.0, "end"))
    assert await collect(log) == b"".join(log.frames)
    assert await collect(log, after=4) == b"".join(log.frames[4:])
    assert await collect(log, after=6) == b""
    assert await collect(log, after=99) == b""


async def test_live_viewers_get_each_event_as_it_is_appended() -> None:
    log = filled(1)
    viewers = [asyncio.create_task(collect(log)) for _ in range(3)]
    late = asyncio.create_task(collect(log, after=1))
    for seq in range(2, 2000):
        log.append(event(seq, 1.0))
        if seq % 100 == 0:
            await asyncio.sleep(0)  # let viewers run mid-stream
    log.append(make(2000, 1.0, "end"))
    whole = b"".join(log.frames)
    assert await asyncio.gather(*viewers) == [whole] * 3
    assert await late == b"".join(log.frames[1:])


async def test_a_viewer_leaving_does_not_disturb_the_others() -> None:
    log = filled(1)
    leaving = asyncio.create_task(collect(log, after=1))
    staying = asyncio.create_task(collect(log, after=1))
    await asyncio.sleep(0)  # both are now waiting on the same wake-up
    leaving.cancel()
    log.append(event(2, 1.0))
    log.append(make(3, 1.0, "end"))
    assert await staying == b"".join(log.frames[1:])
    with pytest.raises(asyncio.CancelledError):
        await leaving


async def test_wait_returns_at_once_when_there_is_more_or_the_log_ended() -> None:
    log = filled(2)
    await asyncio.wait_for(log.wait(1), 1)
    log.append(make(3, 1.0, "end"))
    await asyncio.wait_for(log.wait(10), 1)


async def test_a_stop_event_ends_a_live_follow() -> None:
    log = filled(2)
    stop = asyncio.Event()
    stream = log.follow(0, stop=stop)
    assert await anext(stream) == b"".join(log.frames)
    waiting = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)
    assert not waiting.done()  # live: nothing more to send yet
    stop.set()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(waiting, 1)
