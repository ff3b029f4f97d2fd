"""Recordings: every run's metadata and events, kept on disk (SQLite by default).

``RunStore`` is the whole interface the rest of Threadlab uses, so another database
(PostgreSQL, say) can replace ``SqliteStore`` behind it.  A store is plain synchronous
code; ``recordings.py`` calls it off the event loop, every write from one writer thread.

    runs    one row per run: what was asked (scenario or own source, params, mode, seed, policy,
            options), how it went (status, verdict, message, python, schedule, steps),
            when (created, started, ended), counts, and the SHA-256 of its control token
    events  (run_id, seq) → the event's canonical JSON, exactly the bytes its SSE
            frame carried, so a recording streams the very same bytes after a restart

A batch of events and the run's row are written in one transaction: a server killed
mid-run leaves every batch before the kill, whole, and nothing of the one after.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

from app.contract import ENDED, Status
from app.runs.run import RunFacts

LIVE = tuple(status for status in Status if status not in ENDED)  # not ended (yet)
SCHEMA_VERSION = 2  # 2: runs.source
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    n            INTEGER PRIMARY KEY AUTOINCREMENT,  -- creation order: newest is largest
    id           TEXT NOT NULL UNIQUE,
    token_digest TEXT NOT NULL,
    scenario     TEXT NOT NULL,
    params       TEXT NOT NULL,                      -- JSON object
    mode         TEXT NOT NULL,
    seed         INTEGER NOT NULL,
    policy       TEXT NOT NULL,
    options      TEXT NOT NULL,                      -- JSON object
    status       TEXT NOT NULL,
    verdict      TEXT,                               -- JSON object or NULL
    message      TEXT,
    python       TEXT,
    schedule     TEXT,                               -- JSON list or NULL
    steps        INTEGER,
    created      TEXT NOT NULL,                      -- ISO 8601, UTC, milliseconds
    started      TEXT,
    ended        TEXT,
    events       INTEGER NOT NULL DEFAULT 0,
    threads      INTEGER NOT NULL DEFAULT 0,
    source       TEXT                                -- your own code's text, or NULL
);
CREATE INDEX IF NOT EXISTS runs_by_scenario ON runs (scenario, n);
CREATE TABLE IF NOT EXISTS events (
    run_id TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    body   BLOB NOT NULL,                            -- canonical event JSON, UTF-8
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
"""
_JSON_COLUMNS = ("params", "options", "verdict", "schedule")


@dataclass
class RunRecord(RunFacts):
    """One run's row: everything about it but its events.  ``RunFacts`` declares what it
    shares with a live ``Run``; a row has no defaults for its id and token digest, its
    times are ISO 8601 text and its events and threads are counts."""

    id: str = field(kw_only=True)
    token_digest: str = field(kw_only=True, repr=False)
    created: str = field(kw_only=True)
    started: str | None = None
    ended: str | None = None
    events: int = 0
    threads: int = 0


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    body: bytes  # the event's canonical JSON


@dataclass
class Page:
    """A page of the recent-runs listing, newest first; ``more`` if older ones exist."""

    records: list[RunRecord] = field(default_factory=list)
    more: bool = False


class UnknownCursor(LookupError):
    """``before`` names a run that is not (or no longer) recorded."""


class RunStore(Protocol):
    def open(self) -> None:
        """Create what is missing (folder, schema); OSError/sqlite3.Error if impossible."""

    def save(self, record: RunRecord, events: Sequence[StoredEvent] = ()) -> None:
        """Insert or update the run's row and append ``events``, atomically."""

    def get(self, run_id: str) -> RunRecord | None: ...

    def events(self, run_id: str) -> list[bytes]:
        """The run's event bodies in seq order."""

    def recent(self, scenario: str | None, limit: int, before: str | None) -> Page:
        """Newest first; ``before``: only runs older than that run (UnknownCursor)."""

    def delete(self, run_id: str) -> bool: ...

    def unfinished(self) -> list[str]:
        """Runs recorded as queued or running: live when the last server died."""

    def prune(self, keep: int) -> list[str]:
        """Delete ended runs past the newest ``keep``; their ids."""

    def close(self) -> None: ...


class SqliteStore:
    """``RunStore`` in one SQLite file, in WAL mode: readers never wait for the writer.

    Each thread gets its own connection (sqlite3 connections are not shared across
    threads here); ``close()`` closes them all."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    # ---- connections -----------------------------------------------------------------

    def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._db()
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(SCHEMA)  # every statement is IF NOT EXISTS
            _migrate(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as exc:
            raise OSError(
                f"Threadlab cannot keep its recordings in {self.path}: {exc}. Choose a folder "
                "it can write to with --data-dir or THREADLAB_DATA_DIR."
            ) from exc

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA busy_timeout = 5000")
            # WAL + NORMAL: a killed server loses no committed batch; only a power cut
            # may lose the last ones.
            db.execute("PRAGMA synchronous = NORMAL")
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for db in connections:
            db.close()
        self._local = threading.local()

    # ---- writes ----------------------------------------------------------------------

    def save(self, record: RunRecord, events: Sequence[StoredEvent] = ()) -> None:
        row = _row(record)
        columns = ", ".join(row)
        marks = ", ".join(f":{name}" for name in row)
        updates = ", ".join(f"{name} = excluded.{name}" for name in row if name != "id")
        with self._transaction() as db:
            db.execute(
                f"INSERT INTO runs ({columns}) VALUES ({marks}) "
                f"ON CONFLICT (id) DO UPDATE SET {updates}",
                row,
            )
            if events:
                db.executemany(
                    "INSERT INTO events (run_id, seq, body) VALUES (?, ?, ?)",
                    [(record.id, event.seq, event.body) for event in events],
                )

    def delete(self, run_id: str) -> bool:
        with self._transaction() as db:
            gone = db.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount > 0
            db.execute("DELETE FROM events WHERE run_id = ?", (run_id,))
        return gone

    def prune(self, keep: int) -> list[str]:
        rows = self._db().execute(
            "SELECT id, status FROM runs ORDER BY n DESC LIMIT -1 OFFSET ?", (keep,)
        )
        old = [run_id for run_id, status in rows.fetchall() if status not in LIVE]
        for run_id in old:
            self.delete(run_id)
        return old

    # ---- reads -----------------------------------------------------------------------

    def get(self, run_id: str) -> RunRecord | None:
        row = self._select("WHERE id = ?", (run_id,))
        return row[0] if row else None

    def events(self, run_id: str) -> list[bytes]:
        rows = self._db().execute(
            "SELECT body FROM events WHERE run_id = ? ORDER BY seq", (run_id,)
        )
        return [bytes(body) for (body,) in rows.fetchall()]

    def recent(self, scenario: str | None, limit: int, before: str | None) -> Page:
        where: list[str] = []
        args: list[Any] = []
        if before is not None:
            found = self._db().execute("SELECT n FROM runs WHERE id = ?", (before,)).fetchone()
            if found is None:
                raise UnknownCursor(before)
            where.append("n < ?")
            args.append(found[0])
        if scenario is not None:
            where.append("scenario = ?")
            args.append(scenario)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        records = self._select(f"{clause} ORDER BY n DESC LIMIT ?", (*args, limit + 1))
        return Page(records[:limit], more=len(records) > limit)

    def unfinished(self) -> list[str]:
        marks = ", ".join("?" * len(LIVE))
        rows = self._db().execute(f"SELECT id FROM runs WHERE status IN ({marks}) ORDER BY n", LIVE)
        return [run_id for (run_id,) in rows.fetchall()]

    def _select(self, tail: str, args: Sequence[Any]) -> list[RunRecord]:
        names = [column.name for column in fields(RunRecord)]
        cursor = self._db().execute(f"SELECT {', '.join(names)} FROM runs {tail}", args)
        return [_record(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a file an older Threadlab wrote up to ``SCHEMA_VERSION``."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    if "source" not in columns:  # version 1: no own code yet
        db.execute("ALTER TABLE runs ADD COLUMN source TEXT")


def _row(record: RunRecord) -> dict[str, Any]:
    row = asdict(record)
    for name in _JSON_COLUMNS:
        if row[name] is not None:
            row[name] = json.dumps(row[name], separators=(",", ":"), ensure_ascii=False)
    return row


def _record(row: dict[str, Any]) -> RunRecord:
    for name in _JSON_COLUMNS:
        if row[name] is not None:
            row[name] = json.loads(row[name])
    return RunRecord(**row)
