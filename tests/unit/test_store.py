"""The SQLite recordings store: rows and events round-trip, batches are atomic, the
listing pages newest first, retention keeps the newest N and never a live run."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.runs.store import RunRecord, SqliteStore, StoredEvent, UnknownCursor


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    db = SqliteStore(tmp_path / "data" / "recordings.sqlite3")
    db.open()
    yield db
    db.close()


def record(run_id: str, scenario: str = "race", status: str = "finished") -> RunRecord:
    return RunRecord(
        id=run_id,
        token_digest="d" * 64,
        scenario=scenario,
        params={"threads": 2},
        mode="controlled",
        seed=7,
        policy="pct",
        options={"depth": 2},
        status=status,
        created="2024-05-01T10:00:00.000+00:00",
        verdict={"summary": "ok", "facts": {"lost": 0}} if status != "running" else None,
        schedule=["T1", "T2"],
    )


def events(first: int, count: int) -> list[StoredEvent]:
    return [StoredEvent(seq, b'{"seq":%d,"t":0.0}' % seq) for seq in range(first, first + count)]


def test_open_makes_the_folder_and_uses_wal(store: SqliteStore) -> None:
    assert store.path.is_file()
    mode = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_run_and_its_events_round_trip(store: SqliteStore) -> None:
    store.save(record("a", status="running"), events(1, 3))
    store.save(record("a"), events(4, 2))
    assert store.get("a") == record("a")
    assert store.events("a") == [e.body for e in events(1, 5)]
    assert store.get("nope") is None and store.events("nope") == []


def test_a_failed_batch_leaves_nothing_of_itself(store: SqliteStore) -> None:
    store.save(record("a", status="running"), events(1, 2))
    with pytest.raises(sqlite3.IntegrityError):
        store.save(record("a"), [*events(3, 1), *events(2, 1)])  # seq 2 again
    assert store.get("a").status == "running"  # the row's update rolled back too
    assert len(store.events("a")) == 2


def test_listing_is_newest_first_filtered_and_paged(store: SqliteStore) -> None:
    for i in range(5):
        store.save(record(f"r{i}", scenario="race" if i % 2 else "deadlock"))
    page = store.recent(None, 2, None)
    assert [r.id for r in page.records] == ["r4", "r3"] and page.more
    page = store.recent(None, 2, "r3")
    assert [r.id for r in page.records] == ["r2", "r1"] and page.more
    assert [r.id for r in store.recent(None, 2, "r1").records] == ["r0"]
    assert not store.recent(None, 2, "r1").more
    assert [r.id for r in store.recent("race", 10, None).records] == ["r3", "r1"]
    with pytest.raises(UnknownCursor):
        store.recent(None, 2, "gone")


def test_delete_removes_the_run_and_its_events(store: SqliteStore) -> None:
    store.save(record("a"), events(1, 3))
    assert store.delete("a") is True
    assert store.get("a") is None and store.events("a") == []
    assert store.delete("a") is False


def test_retention_deletes_the_oldest_past_keep_but_never_a_live_run(store: SqliteStore) -> None:
    store.save(record("live", status="running"), events(1, 2))
    for i in range(4):
        store.save(record(f"r{i}"), events(1, 2))
    assert store.prune(3) == ["r0"]  # newest 3: r3, r2, r1; "live" is older but live
    assert [r.id for r in store.recent(None, 10, None).records] == ["r3", "r2", "r1", "live"]
    assert store.events("r0") == []
    assert store.unfinished() == ["live"]
