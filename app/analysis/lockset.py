"""Data races by the lockset test (Eraser, Savage et al. 1997), from the log alone.
Standard library only.

Eraser's rule: every shared variable must be protected by some lock that every thread
holds whenever it touches the variable.  Two accesses of a variable are checked against
each other when they are by two threads, at least one of them is a store, and they
conflict:

- nothing orders them whatever the schedule (``ordering.Clocks``: start, join and
  hand-offs).  This is Eraser's *virgin* and *exclusive* states made exact: what
  MainThread sets up before it starts the threads, or reads after joining them, is
  never a race, nor is a variable only one thread ever touches;
- no lock was held by both threads at those moments (their locksets are disjoint).

Such a pair is a data race whether or not this run lost anything: another schedule can
put the two accesses the other way round, or between each other's read and write.

A store is a plain write (``counter = …``, ``counter += 1``'s write, ``del``); a call
that changes a container (``items.append(x)``) is one operation that Python makes
atomic, so two of them never race, nor a call and a read — only with a store.  A
variable whose racing accesses are stores or calls by two or more threads is a
*race*; one written by a single thread while others read it with no common lock is an
*unguarded read* (a flag polled without a lock: what the readers see is up to the
schedule).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.analysis.ordering import Clocks, Ev, Held

READ, CALL, STORE = "read", "call", "store"


def access_class(ev: Ev) -> str:
    if ev.kind == "read":
        return READ
    op = ev.detail.get("op")
    return CALL if op is not None and op != "del" else STORE


@dataclass(frozen=True)
class Access:
    thread: str
    cls: str  # read, call, store
    locks: frozenset[str]
    line: int | None


@dataclass
class Finding:
    """The racing accesses of one variable."""

    variable: str
    writers: dict[str, None] = field(default_factory=dict)  # threads, in order seen
    readers: dict[str, None] = field(default_factory=dict)
    pair: tuple[Access, Access] | None = None  # an example: the later access first

    def settled(self, thread: str, cls: str) -> bool:
        """Whether ``thread`` is named already for an access of ``cls``, and the example
        is a store against a store: then checking its access can teach nothing new
        (another thread it races with is named by its own accesses)."""
        if thread not in (self.readers if cls == READ else self.writers) or self.pair is None:
            return False
        return all(a.cls == STORE for a in self.pair)

    @property
    def is_race(self) -> bool:
        return len(self.writers) >= 2

    def add(self, now: Access, before: Access) -> None:
        for access in (before, now):
            if access.cls == READ:
                self.readers.setdefault(access.thread)
            else:
                self.writers.setdefault(access.thread)
        # The example: a store against a store if there is one, else the first pair.
        stores = now.cls == STORE and before.cls == STORE
        if self.pair is None or (stores and not all(a.cls == STORE for a in self.pair)):
            self.pair = (now, before)


Group = dict[tuple[str, frozenset[str], str], tuple[int, int | None]]


class Lockset:
    """Watches every read and write of the variables ``shared``; ``findings`` in the
    order they were first seen."""

    def __init__(self, shared: frozenset[str], threads: list[str]) -> None:
        self.shared = shared
        self._rank = {name: i for i, name in enumerate(threads)}  # threads in log order
        # variable → (thread, locks, class) → (epoch, line) of its latest such access:
        # stores, and reads and calls apart (those need checking against stores only).
        self._stores: dict[str, Group] = {}
        self._others: dict[str, Group] = {}
        self._pairs: set[tuple[str, str, str, str, str]] = set()  # reported already
        self.findings: dict[str, Finding] = {}

    def see(self, ev: Ev, held: Held, clocks: Clocks) -> None:
        var = ev.obj
        if var is None or var not in self.shared or ev.kind not in (READ, "write"):
            return
        me, cls, locks = ev.thread, access_class(ev), held.locks(ev.thread)
        mine = clocks.clock(me)
        stores = self._stores.setdefault(var, {})
        others = self._others.setdefault(var, {})
        finding = self.findings.get(var)
        groups: tuple[Group, ...] = (stores, others) if cls == STORE else (stores,)
        if finding is not None and finding.settled(me, cls):
            groups = ()  # nothing to learn: the thread is named, the example is found
        for group in groups:
            for (other, their_locks, their_cls), (epoch, line) in group.items():
                if other == me or epoch <= mine.get(other, 0) or their_locks & locks:
                    continue  # the same thread, ordered, or a lock held by both
                key = (var, me, cls, other, their_cls)
                if key in self._pairs:
                    continue
                self._pairs.add(key)
                finding = self.findings.get(var)
                if finding is None:
                    finding = self.findings[var] = Finding(var)
                before = Access(other, their_cls, their_locks, line)
                finding.add(Access(me, cls, locks, ev.line), before)
        (stores if cls == STORE else others)[me, locks, cls] = (mine[me], ev.line)

    def races(self) -> list[Finding]:
        return [self._sorted(f) for f in self.findings.values() if f.is_race]

    def unguarded(self) -> list[Finding]:
        return [self._sorted(f) for f in self.findings.values() if not f.is_race]

    def _sorted(self, f: Finding) -> Finding:
        """``f`` with its threads in the order the log first shows them."""

        def order(names: dict[str, None]) -> dict[str, None]:
            return dict.fromkeys(sorted(names, key=lambda n: self._rank.get(n, len(self._rank))))

        return Finding(f.variable, order(f.writers), order(f.readers), f.pair)
