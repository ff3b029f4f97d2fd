"""Lock-order inversions: deadlocks a program can reach though this run did not.
Standard library only.

Each time a thread takes (or waits to take) a lock while it holds others, the log gives
an edge *held → wanted* of the lock-order graph.  A cycle in that graph whose edges are
by different threads is a possible deadlock (the "goodlock" test): thread A holds L1
while taking L2, thread B holds L2 while taking L1 — let each take its first lock and
neither gets its second.  Three threads around three locks (the dining philosophers)
are a cycle of three, and so on.

A cycle is not reported when it cannot close: if its threads took their locks while
holding a common *gate* lock (a lock held by all of them around the nested ones), or
if the edges are ordered by the program's synchronisation (one thread took its locks
before the other thread was even started, or after it was joined).  Re-entering an RLock
already held adds no edge.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product

from app.analysis.ordering import Clock, Clocks, Ev, Held

MAX_LENGTH = 6  # locks on a cycle looked for
BUDGET = 20_000  # search steps, so a run with many locks stays quick


@dataclass(frozen=True)
class Moment:
    epoch: int  # the thread's own tick then
    clock: Clock  # what it knew of every thread then


@dataclass(frozen=True)
class Edge:
    """A thread took (or waited for) ``wanted`` while holding ``held`` (and ``gates``)."""

    held: str
    wanted: str
    thread: str
    gates: frozenset[str]  # the other locks it held then
    first: Moment
    last: Moment
    line: int | None


@dataclass(frozen=True)
class Inversion:
    edges: tuple[Edge, ...]  # around the cycle: each takes the lock the next holds

    @property
    def locks(self) -> list[str]:
        return [e.held for e in self.edges]

    @property
    def threads(self) -> list[str]:
        return [e.thread for e in self.edges]


def _before(a: Moment, a_thread: str, b: Moment) -> bool:
    return a.epoch <= b.clock.get(a_thread, 0)


def _concurrent(a: Edge, b: Edge) -> bool:
    """Whether some occurrence of ``a`` and some of ``b`` are ordered neither way."""
    return any(
        not _before(x, a.thread, y) and not _before(y, b.thread, x)
        for x, y in product((a.first, a.last), (b.first, b.last))
    )


class LockOrder:
    """Collects the edges while the log is walked; ``inversions`` finds the cycles."""

    def __init__(self) -> None:
        self._edges: dict[tuple[str, str, str, frozenset[str]], Edge] = {}

    def see(self, ev: Ev, held: Held, clocks: Clocks) -> None:
        wanted = ev.obj
        if wanted is None or wanted not in held.types:
            return
        taking = ev.kind == "acquire" or (
            ev.kind == "block" and ev.detail.get("reason") == "acquire"
        )
        if not taking or held.holds(ev.thread, wanted):
            return
        mine = held.locks(ev.thread)
        if not mine:
            return
        now = Moment(clocks.epoch(ev.thread), clocks.snapshot(ev.thread))
        for lock in sorted(mine):
            key = (lock, wanted, ev.thread, mine - {lock})
            known = self._edges.get(key)
            if known is None:
                self._edges[key] = Edge(lock, wanted, ev.thread, key[3], now, now, ev.line)
            elif known.last.epoch != now.epoch or known.last.clock != now.clock:
                self._edges[key] = replace(known, last=now)

    def inversions(self, limit: int) -> list[Inversion]:
        """Up to ``limit`` cycles of the lock-order graph that could close, shortest
        first."""
        out: dict[frozenset[tuple[str, str]], Inversion] = {}
        graph: dict[str, dict[str, list[Edge]]] = {}
        for edge in self._edges.values():
            graph.setdefault(edge.held, {}).setdefault(edge.wanted, []).append(edge)
        budget = [BUDGET]
        for length in range(2, MAX_LENGTH + 1):
            for start in sorted(graph):
                for path in _paths(graph, start, length, budget):
                    key = frozenset((e.held, e.thread) for e in path)
                    if key not in out:
                        out[key] = Inversion(tuple(path))
                    if len(out) >= limit:
                        return list(out.values())
        return list(out.values())


def _paths(
    graph: dict[str, dict[str, list[Edge]]], start: str, length: int, budget: list[int]
) -> list[list[Edge]]:
    """Cycles of ``length`` locks from ``start`` (its smallest lock, so each is found
    once) whose edges are by distinct threads, share no gate and may be concurrent."""
    found: list[list[Edge]] = []

    def extend(path: list[Edge], node: str) -> None:
        if budget[0] <= 0 or len(found) >= 1:
            return
        for nxt in sorted(graph.get(node, {})):
            closing = nxt == start
            if closing != (len(path) + 1 == length):
                continue
            if not closing and (nxt < start or nxt in {e.held for e in path}):
                continue
            for edge in graph[node][nxt]:
                budget[0] -= 1
                if not _fits(path, edge):
                    continue
                if closing:
                    found.append([*path, edge])
                    return
                extend([*path, edge], nxt)
                if found or budget[0] <= 0:
                    return

    extend([], start)
    return found


def _fits(path: list[Edge], edge: Edge) -> bool:
    return all(
        other.thread != edge.thread and not (other.gates & edge.gates) and _concurrent(other, edge)
        for other in path
    )
