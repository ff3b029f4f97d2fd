"""Presence: a late viewer gets the presenter's latest position at once, every viewer
gets each change, the viewer count follows joins and leaves; only the creator presents."""

from __future__ import annotations

import asyncio
import json

import pytest

from app.errors import Forbidden
from app.runs.presence import Channel, Position, PresenceHub
from app.runs.run import Run

pytestmark = pytest.mark.anyio


def parse(chunk: bytes) -> list[tuple[str, dict]]:
    messages = []
    for block in chunk.decode().split("\n\n"):
        if block:
            name, data = block.split("\n")
            assert name.startswith("event: ") and data.startswith("data: ")
            messages.append((name[7:], json.loads(data[6:])))
    return messages


async def test_a_late_viewer_gets_the_latest_position_then_changes() -> None:
    channel = Channel()
    channel.present(Position(10, True, 2.0))
    channel.present(Position(12, False, 2.0))
    stop = asyncio.Event()
    follower = channel.follow(stop)
    first = parse(await anext(follower))
    assert first[0] == ("presenter", {**channel.last, "seq": 12}) and first[0][1]["version"] == 2
    assert first[1] == ("viewers", {"count": 1})
    later = asyncio.ensure_future(anext(follower))
    channel.present(Position(40, True, 1.0, live=True))
    ((name, message),) = parse(await asyncio.wait_for(later, 5))
    assert name == "presenter" and message["seq"] == 40 and message["live"] is True
    stop.set()
    await follower.aclose()
    assert channel.viewers == 0


async def test_only_the_creator_presents_and_stopping_keeps_the_position() -> None:
    hub = PresenceHub()
    run = Run("race", {}, "free", 1, "random", {})
    with pytest.raises(Forbidden, match="needs its control token"):
        hub.present(run, None, Position(1, True))
    with pytest.raises(Forbidden, match="not the control token"):
        hub.present(run, "guess", Position(1, True))
    sent = hub.present(run, run.control_token, Position(5, True, 4.0))
    assert sent["active"] and sent["viewers"] == 0
    stopped = hub.stop(run, run.control_token)
    assert (stopped["active"], stopped["seq"], stopped["playing"]) == (False, 5, False)
    assert run.log._notes["presenter"][1].startswith(b"event: presenter\ndata: ")
