"""Shared data traced without a wrapper (``app/instrument/data.py``): the events of
rewritten reads and writes — names as the code says them, values without addresses,
the program's lines, one ``declare`` per name — scheduling points in controlled mode,
lost updates that the scheduler finds and a lock that prevents them, and every log a
consistent history."""

from __future__ import annotations

import re
import textwrap
from itertools import count, pairwise
from typing import Any

import pytest

from app.analysis.history import check
from app.contract import Granularity, Policy, Status
from app.instrument.events import Event, make
from app.instrument.values import render
from app.worker.program import Program, load_source
from app.worker.trial import TrialResult, run_controlled
from tests.unit.conftest import assert_consistent, traced_run

pytestmark = pytest.mark.timeout(60)

_files = count(1)


def program(source: str) -> Program:
    return load_source(textwrap.dedent(source), f"/threadlab-test/data_{next(_files)}.py")


def trial(prog: Program, seed: int = 1, bytecode: bool = False, **params: Any) -> TrialResult:
    options = {"granularity": Granularity.BYTECODE} if bytecode else {}
    result = run_controlled(prog, params, seed, Policy.RANDOM, options)
    assert check(result.events) == [], check(result.events)
    return result


def data(events: list[Event]) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(kind, obj, detail) of the shared-data events (declares of type Shared too)."""
    return [
        (e["kind"], e["obj"], e["detail"])
        for e in events
        if e["kind"] in ("read", "write")
        or (e["kind"] == "declare" and e["detail"]["type"] == "Shared")
    ]


def line_of(prog: Program, text: str) -> int:
    found = [n for n, line in enumerate(prog.source.splitlines(), 1) if text in line]
    assert len(found) == 1, (text, found)
    return found[0]


# --- events ---------------------------------------------------------------------------------

COUNTER = """
    counter = 0

    def work():
        global counter
        counter += 1

    def main():
        work()
        print(counter)
    """


def test_a_read_then_a_write_on_the_program_s_lines() -> None:
    prog = program(COUNTER)
    events = trial(prog).events
    assert data(events) == [
        ("declare", "counter", {"type": "Shared"}),
        ("write", "counter", {"value": 0}),
        ("read", "counter", {"value": 0}),
        ("write", "counter", {"value": 1}),
        ("read", "counter", {"value": 1}),
    ]
    lines = [e["line"] for e in events if e["obj"] == "counter"]
    first, inc, shown = (line_of(prog, t) for t in ("counter = 0", "+= 1", "print"))
    assert lines == [first, first, inc, inc, shown]


def test_names_as_the_code_says_them() -> None:
    prog = program(
        """
        from collections import deque

        class Account:
            def __init__(self, balance):
                self.balance = balance
                self.history = []

        alice = Account(100)
        seats = [1, 1]
        stock = {"apples": 3}
        grid = [[0, 0], [0, 0]]
        q = deque([1, 2])

        def main():
            alice.balance -= 30
            alice.history.append(30)
            seats[0] = 0
            stock["apples"] -= 1
            grid[1][0] += 5
            q.popleft()
            nameless = Account(1)
            nameless.balance += 1
            [Account(2)][0].balance += 1  # no variable holds it: named after its class
        """
    )
    names = [obj for kind, obj, _ in data(trial(prog).events) if kind == "declare"]
    assert names == [
        *("alice", "seats", "stock", "grid", "q"),  # bound at module level: written there
        *("alice.balance", "alice.history", "seats[0]", "stock['apples']", "grid[1][0]"),
        *("nameless.balance", "Account.balance"),
    ]


def test_owners_have_distinct_names() -> None:
    prog = program(
        """
        class Account:
            def __init__(self):
                self.balance = 0

        def deposit(account):
            account.balance += 1

        def main():
            deposit(Account())
            deposit(Account())
        """
    )
    declared = [obj for kind, obj, _ in data(trial(prog).events) if kind == "declare"]
    assert declared == ["account.balance", "account#2.balance"]


def test_method_calls_on_containers() -> None:
    prog = program(
        """
        items = []
        stock = {"apples": 3}

        def main():
            items.append(1)
            items.extend([2, 3])
            items.pop()
            stock.get("apples")
            stock.get("pears", 0)
            try:
                items.clear()
                items.pop()
            except IndexError:
                pass
        """
    )
    found = data(trial(prog).events)
    assert found == [
        ("declare", "items", {"type": "Shared"}),
        ("write", "items", {"value": "[]"}),
        ("declare", "stock", {"type": "Shared"}),
        ("write", "stock", {"value": "{'apples': 3}"}),
        ("write", "items", {"op": "append", "args": [1], "value": "[1]"}),
        ("write", "items", {"op": "extend", "args": ["[2, 3]"], "value": "[1, 2, 3]"}),
        ("write", "items", {"op": "pop", "result": 3, "value": "[1, 2]"}),
        ("declare", "stock['apples']", {"type": "Shared", "value": 3}),
        ("read", "stock['apples']", {"value": 3}),
        ("declare", "stock['pears']", {"type": "Shared", "value": 0}),
        ("read", "stock['pears']", {"value": 0}),
        ("write", "items", {"op": "clear", "value": "[]"}),
        (
            "write",
            "items",
            {"op": "pop", "error": "IndexError: pop from empty list", "value": "[]"},
        ),
    ]


def test_values_are_shown_without_addresses() -> None:
    class Thing:
        pass

    assert render(3) == 3 and render("s") == "s" and render(None) is None
    assert render(float("nan")) == "nan" and render(1.5) == 1.5
    assert render([1, "a", (2,), {3: [4, [5]]}]) == "[1, 'a', (2,), {3: […]}]"
    assert render(list(range(20))) == "[0, 1, 2, 3, 4, 5, 6, 7, …12 more]"
    assert render({"b", "a", "c"}) == "{'a', 'b', 'c'}" and render(set()) == "set()"
    assert render(Thing()) == "<Thing>" and render([Thing()]) == "[<Thing>]"
    assert render("x" * 500) == "x" * 199 + "…"
    prog = program(
        """
        import threading

        class Box:
            pass

        shared = None

        def main():
            global shared
            shared = [Box(), {1, 2}, threading, main]
            shared = Box()
            print(repr(shared))
        """
    )
    events = trial(prog).events
    values = [detail.get("value") for kind, _, detail in data(events) if kind == "write"]
    assert values == [None, "[<Box>, {1, 2}, <module threading>, <function main>]", "<Box>"]
    output = [e["detail"]["text"] for e in events if e["kind"] == "output"]
    assert re.search(r"0x[0-9a-f]+", output[0])  # the program's own print has one…
    assert not any(re.search(r"0x[0-9a-f]{6,}", str(d)) for *_, d in data(events))  # …the log not


def test_modules_functions_classes_threads_and_primitives_are_not_data() -> None:
    prog = program(
        """
        import threading

        lock = threading.Lock()
        forks = [threading.Lock() for _ in range(2)]
        helper = None
        worker = None
        workers = []
        kinds = [threading.Lock, threading.Thread]

        def task():
            with lock, forks[0]:
                pass

        def main():
            global helper, worker
            helper = task
            worker = threading.Thread(target=helper)
            workers.append(worker)
            worker.start()
            worker.join()
            kinds.append(len)
            print(len(workers), len(kinds), len(forks))
        """
    )
    found = [(kind, obj, detail.get("value")) for kind, obj, detail in data(trial(prog).events)]
    assert found == [  # None is data, an empty list too; functions, threads, Locks are not
        ("declare", "helper", None),
        ("write", "helper", None),
        ("declare", "worker", None),
        ("write", "worker", None),
        ("declare", "workers", None),
        ("write", "workers", "[]"),
    ]


def test_declared_once_per_run() -> None:
    prog = program(COUNTER.replace("work()\n", "work()\n        work()\n"))
    for _ in range(2):  # a second run declares again: its log stands alone
        declares = [obj for kind, obj, _ in data(trial(prog).events) if kind == "declare"]
        assert declares == ["counter"]


def test_outside_a_run_nothing_is_recorded() -> None:
    prog = program(COUNTER)
    prog()  # plain: no run installed, no error


def test_a_value_changed_elsewhere_is_marked() -> None:
    prog = program(
        """
        items = [0]
        alias = items

        def main():
            global items
            items[0] = 5
            print(len(items))
            alias.append(1)
            setattr(main, "x", 1)
            print(len(items))
        """
    )
    reads = [d for kind, obj, d in data(trial(prog).events) if kind == "read" and obj == "items"]
    assert reads == [
        {"value": "[0]"},  # ``alias = items``
        {"value": "[5]", "changed": True},  # written as ``items[0]``
        {"value": "[5, 1]", "changed": True},  # through ``alias``
    ]


# --- scheduling points and lost updates -----------------------------------------------------


def test_every_read_and_write_is_a_scheduling_point() -> None:
    reads = "\n".join(f"        value = shared + {i}" for i in range(10))
    source = f"""
    shared = int("0")

    def work():
        value = 0
{reads}
        return value

    def main():
        import threading
        t = threading.Thread(target=work)
        t.start()
        t.join()
    """
    none = source.replace("value = shared +", "value = 0 +")
    # Ten reads and the module's write of ``shared``: eleven more points.
    assert trial(program(source)).facts["steps"] == trial(program(none)).facts["steps"] + 11


RACE = """
    import threading

    counter = 0
    lock = threading.Lock()

    def work(iterations):
        global counter
        for _ in range(iterations):
            counter += 1

    def main(iterations=3):
        threads = [threading.Thread(target=work, args=(iterations,)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(counter)
    """
LOCKED = RACE.replace("counter += 1", "with lock:\n                counter += 1")


def final(result: TrialResult) -> int:
    assert result.status == Status.FINISHED, result.message
    return int([e["detail"]["text"] for e in result.events if e["kind"] == "output"][-1])


@pytest.mark.parametrize("bytecode", [False, True], ids=["operation", "bytecode"])
def test_two_threads_lose_an_update_for_some_seed(bytecode: bool) -> None:
    prog = program(RACE)
    totals = {final(trial(prog, seed, bytecode)) for seed in range(20)}
    # Each thread's first increment can be lost at most once per increment of the other.
    assert min(totals) < 6 and all(3 <= total <= 6 for total in totals), totals


def test_a_lost_update_shows_in_the_log() -> None:
    prog = program(RACE)
    for seed in range(20):
        result = trial(prog, seed)
        if final(result) < 6:
            break
    else:
        pytest.fail("no seed lost an update")
    ops = [(e["thread"], e["kind"], e["detail"].get("value")) for e in result.events]
    ops = [op for op in ops if op[1] in ("read", "write")]
    # Somewhere two threads read the same value before either writes it back.
    torn = any(a[1] == b[1] == "read" and a[0] != b[0] and a[2] == b[2] for a, b in pairwise(ops))
    assert torn, ops


def test_with_a_lock_no_update_is_lost() -> None:
    prog = program(LOCKED)
    totals = {final(trial(prog, seed)) for seed in range(200)}
    assert totals == {6}


def test_with_a_lock_no_update_is_lost_at_bytecode_granularity() -> None:
    prog = program(LOCKED)
    totals = {final(trial(prog, seed, bytecode=True)) for seed in range(40)}
    assert totals == {6}


def test_controlled_runs_repeat_exactly() -> None:
    prog = program(RACE)
    first, again = trial(prog, 7), trial(prog, 7)
    assert first.events == again.events


def test_program_code_inside_an_access_takes_no_bytecode_step() -> None:
    prog = program(
        """
        import threading

        items = [3, 1, 2]

        def by_value(v):
            return -v  # the key: run inside items.sort

        def work():
            items.sort(key=by_value)

        def main():
            threads = [threading.Thread(target=work) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        """
    )
    key_line = line_of(prog, "return -v")
    for seed in range(10):
        events = trial(prog, seed, bytecode=True).events
        assert not [e for e in events if e["kind"] == "preempt" and e["line"] == key_line]
        assert any(e["kind"] == "preempt" and e["detail"].get("op") for e in events)


# --- free mode: real threads, a consistent log ----------------------------------------------


def test_free_mode_logs_stay_consistent() -> None:
    prog = program(
        """
        import threading

        counter = 0
        items = []

        class Box:
            def __init__(self):
                self.n = 0

        box = Box()

        def work():
            global counter
            for i in range(2000):
                counter += 1
                items.append(i)
                box.n += 1
                if len(items) > 10:
                    items.pop(0)

        def main():
            threads = [threading.Thread(target=work) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        """
    )
    with traced_run() as run:
        prog()
    events = run.events()
    assert_consistent(events)
    assert not [e for e in events if e["detail"].get("changed")]
    assert sum(e["kind"] == "write" and e["obj"] == "counter" for e in events) == 8001


def test_free_mode_reads_always_show_the_last_write(capsys: pytest.CaptureFixture[str]) -> None:
    # Torn and locked updates mixed: every read is the last write (the checker), the
    # last write is the final value, and the locked counter loses nothing.
    prog = program(
        """
        import threading

        counter = 0
        total = 0
        lock = threading.Lock()

        def work():
            global counter, total
            for _ in range(200):
                value = counter
                counter = value + 1
                with lock:
                    counter = counter + 0
                    total += 1

        def main():
            threads = [threading.Thread(target=work) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            print(counter, total)
        """
    )
    with traced_run() as run:
        prog()
    events = run.events()
    assert_consistent(events)
    counter, total = map(int, capsys.readouterr().out.split())
    assert counter <= 800 and total == 800
    writes = [e for e in events if e["kind"] == "write" and e["obj"] == "counter"]
    assert writes[-1]["detail"]["value"] == counter


def test_the_checker_takes_a_changed_read_at_its_word() -> None:
    def log(*reads: dict[str, Any]) -> list[Event]:
        events = [
            make(1, 0.0, "create", "T1", "New"),
            make(2, 0.0, "start", "T1", "Runnable"),
            make(3, 0.0, "run", "T1", "Running"),
            make(4, 0.0, "declare", "T1", "Running", "items", 1, {"type": "Shared", "value": "[]"}),
            make(5, 0.0, "write", "T1", "Running", "items", 1, {"op": "append", "value": "[1]"}),
        ]
        for n, detail in enumerate(reads, 6):
            events.append(make(n, 0.0, "read", "T1", "Running", "items", 2, detail))
        return events

    assert check(log({"value": "[1]"})) == []
    assert check(log({"value": "[5]", "changed": True}, {"value": "[5]"})) == []
    assert check(log({"value": "[5]"})) == [
        "seq 6: T1 read items='[5]' but the last write was '[1]'"
    ]
