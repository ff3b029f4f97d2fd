"""Names from the code (issue 10, item 2): ``lock_a = threading.Lock()`` is ``lock_a`` in
the log, ``self.lock`` is ``alice.lock``, ``forks[0]``…, ``Lock@12``; threads keep the
names Python gives them, numbered per run, with distinct lanes for equal names.

Each test runs a small program the way the worker runs one: compiled under a file name
registered as a program's, executed with ``__name__ == PROGRAM_MODULE`` inside a real
run, the traced classes standing in for ``threading``.
"""

from __future__ import annotations

import dis
import re
import textwrap
import threading as real_threading
from types import SimpleNamespace
from typing import Any

import pytest

import app.instrument as ins
from app.instrument import targets
from app.instrument.events import encode
from app.instrument.program import PROGRAM_MODULE, register_file
from app.worker.trial import TrialResult, run_controlled
from tests.unit.conftest import Run, assert_consistent, traced_run

pytestmark = pytest.mark.timeout(60)

THREADING = SimpleNamespace(
    **{
        n: getattr(ins, n)
        for n in ("Lock", "RLock", "Condition", "Semaphore", "Event", "Barrier", "Thread")
    },
    current_thread=ins.current_thread,
)


def load(source: str, name: str) -> dict[str, Any]:
    """Execute ``source`` as a program (its module body now) and return its globals."""
    filename = f"/threadlab-tests/naming/{name}.py"
    register_file(filename)
    namespace: dict[str, Any] = {"__name__": PROGRAM_MODULE, "threading": THREADING}
    exec(compile(textwrap.dedent(source), filename, "exec"), namespace)
    return namespace


def line(source: str, marker: str) -> int:
    """The line of ``source`` that holds ``marker`` (a comment), as the program sees it."""
    lines = textwrap.dedent(source).splitlines()
    return next(n for n, text in enumerate(lines, 1) if marker in text)


def declared(run: Run) -> list[str]:
    return [e["obj"] for e in run.of(kind="declare")]


def lanes(run: Run) -> list[str]:
    return [e["thread"] for e in run.of(kind="create")]


VARIABLES = """
lock_a = threading.Lock()
lock_b = threading.Lock()

def main():
    with lock_b:  # first use of lock_b
        pass
    with lock_a:
        pass
"""


def test_a_variable_names_its_object_at_its_first_use(run: Run) -> None:
    program = load(VARIABLES, "variables")
    assert declared(run) == []  # made, but not used yet
    program["main"]()
    assert declared(run) == ["lock_b", "lock_a"]
    first = run.of("lock_b")
    assert [e["kind"] for e in first] == ["declare", "acquire", "release"]
    assert first[0]["detail"] == {"type": "Lock"}
    assert first[0]["line"] == line(VARIABLES, "first use of lock_b")


ACCOUNTS = """
class Account:
    def __init__(self, balance):
        self.balance = balance
        self.lock = threading.Lock()

def transfer(src, dst, amount):
    with src.lock:
        with dst.lock:
            src.balance -= amount
            dst.balance += amount

def main():
    alice = Account(100)
    bob = Account(50)
    t = threading.Thread(target=transfer, args=(alice, bob, 10))
    t.start()
    t.join()
    with Account(0).lock:  # an owner nobody names
        pass
"""


def test_an_attribute_is_named_after_its_owner_else_its_class(run: Run) -> None:
    load(ACCOUNTS, "accounts")["main"]()
    assert declared(run) == ["alice.lock", "bob.lock", "Account.lock"]
    by = {e["obj"]: e["thread"] for e in run.of(kind="declare")}
    assert by["alice.lock"] == "Thread-1 (transfer)"  # the first user declares it


CONTAINERS = """
forks = [threading.Lock() for _ in range(5)]
locks = []
for _ in range(2):
    locks.append(threading.Lock())
events = {n: threading.Event() for n in ("go", "stop")}
pair = [threading.Semaphore(2), threading.Semaphore(3)]

class Account:
    def __init__(self):
        self.lock = threading.Lock()

accounts = [Account() for _ in range(2)]

def main():
    for i in (3, 0, 4, 1, 2):
        with forks[i]:
            pass
    with locks[1], locks[0], pair[1], accounts[1].lock:
        pass
    events["stop"].set()
"""


def test_items_are_named_by_their_container_and_index(run: Run) -> None:
    load(CONTAINERS, "containers")["main"]()
    assert declared(run) == [
        *(f"forks[{i}]" for i in (3, 0, 4, 1, 2)),
        "locks[1]",
        "locks[0]",
        "pair[1]",
        "accounts[1].lock",
        "events['stop']",
    ]
    assert run.of("pair[1]", "declare")[0]["detail"] == {"type": "Semaphore", "value": 3}


FORMS = """
class Bank:
    lock = threading.Lock()

def make_lock():
    return threading.Lock()

class Pool(threading.Semaphore):
    def __init__(self):
        super().__init__(3)

made = make_lock()
first, second = threading.Lock(), threading.Lock()
p, q, r, s = threading.Lock(), threading.Lock(), threading.Lock(), threading.Lock()
x = y = threading.Lock()
flag = 1
maybe = threading.Lock() if flag else None
pool = Pool()
cond = threading.Condition()
guarded = threading.Condition(first)

def main():
    for lock in (Bank.lock, made, second, first, p, q, r, s, x, maybe, pool):
        with lock:
            pass
    with cond:
        cond.notify()
    with guarded:
        guarded.notify()
"""


def test_the_bytecode_after_the_call_gives_the_target(run: Run) -> None:
    load(FORMS, "forms")["main"]()
    names = ["Bank.lock", "made", "second", "first", "p", "q", "r", "s", "x", "maybe", "pool"]
    assert declared(run) == [*names, "cond.lock", "cond", "guarded"]
    assert run.of("cond", "declare")[0]["detail"] == {"type": "Condition", "lock": "cond.lock"}
    assert run.of("guarded", "declare")[0]["detail"]["lock"] == "first"


LOCALS = """
def main():
    a, b = threading.Lock(), threading.Lock()  # 3.13: STORE_FAST_STORE_FAST
    c = d = threading.Lock()
    shared = threading.Lock()  # a cell: STORE_DEREF

    def inner():
        with shared:
            pass

    with b, a, d:
        inner()
"""


def test_function_locals_cells_and_fused_stores(run: Run) -> None:
    load(LOCALS, "locals")["main"]()
    assert declared(run) == ["b", "a", "c", "shared"]


NO_TARGET = """
def use(lock):
    with lock:
        pass

def main():
    use(threading.Lock())  # passed on
    threading.Lock().acquire()  # used at once
    use(threading.Lock())  # passed on
"""


def test_without_a_target_an_object_is_its_type_and_line(run: Run) -> None:
    load(NO_TARGET, "no_target")["main"]()
    here, there = line(NO_TARGET, "passed on"), line(NO_TARGET, "used at once")
    assert declared(run) == [f"Lock@{here}", f"Lock@{there}", f"Lock@{here + 2}"]


UNIQUE = """
def work():
    lock = threading.Lock()
    with lock:
        pass

def main():
    work()
    work()
    t = threading.Thread(target=work, name="lock")
    t.start()
    t.join()
"""


def test_no_two_objects_or_threads_share_a_name(run: Run) -> None:
    load(UNIQUE, "unique")["main"]()
    assert declared(run) == ["lock", "lock#2", "lock#4"]
    assert lanes(run) == ["MainThread", "lock#3"]


def test_an_explicit_name_wins_and_is_declared_at_once(run: Run) -> None:
    lock = ins.Lock(name="fork")
    assert declared(run) == ["fork"]
    assert lock.name == "fork"


def test_until_named_an_object_only_looks_like_its_class(run: Run) -> None:
    lock = ins.Lock()  # made in a test, not a program: named from this frame
    assert isinstance(lock, ins.Lock) and type(lock).__name__ == "Lock"
    assert type(lock) is not ins.Lock  # pending: its __getattr__ names it
    with lock:
        pass
    assert type(lock) is ins.Lock  # named: the hot path reads a plain attribute
    assert lock.name == "lock" and declared(run) == ["lock"]
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        ins.Lock().missing  # noqa: B018


THREADS = """
seen = []

class Worker(threading.Thread):
    def run(self):
        seen.append(threading.current_thread().name)

def work():
    seen.append(threading.current_thread().name)

def main():
    threads = [
        threading.Thread(target=work),
        Worker(),
        threading.Thread(target=work, name="named"),
        threading.Thread(target=work),
        threading.Thread(target=work, name="named"),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [t.name for t in threads]
"""


def test_threads_keep_pythons_names_and_equal_names_get_distinct_lanes(run: Run) -> None:
    program = load(THREADS, "threads")
    names = program["main"]()
    assert names == ["Thread-1 (work)", "Thread-2", "named", "Thread-3 (work)", "named"]
    assert sorted(program["seen"]) == sorted(names)  # what current_thread() says
    assert lanes(run) == ["MainThread", *names[:4], "named#2"]
    joins = [e["obj"] for e in run.of(kind="join")]
    assert joins == lanes(run)[1:]
    # The standard library's own names, numbers aside.
    work, plain = program["work"], type("Worker", (real_threading.Thread,), {})
    theirs = [real_threading.Thread(target=work).name, plain().name, "named"]
    assert [re.sub(r"\d+", "N", n) for n in names[:3]] == [re.sub(r"\d+", "N", n) for n in theirs]


def test_threads_are_numbered_per_run() -> None:
    for _ in range(2):
        with traced_run() as run:
            load(THREADS, "threads")["main"]()
        assert lanes(run)[1] == "Thread-1 (work)"
        assert_consistent(run.events())


TABLE = """
class Account:
    def __init__(self):
        self.lock = threading.Lock()

alice, bob = Account(), Account()
forks = [threading.Lock() for _ in range(3)]

def dine(left, right):
    with left:
        with right:
            pass

def main():
    threads = [
        threading.Thread(target=dine, args=(forks[i], forks[(i + 1) % 3]), name="phil")
        for i in range(2)
    ]
    threads.append(threading.Thread(target=dine, args=(bob.lock, alice.lock)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"""


def _trial(seed: int, options: dict[str, Any] | None = None) -> TrialResult:
    def entry() -> None:
        load(TABLE, "table")["main"]()

    return run_controlled(entry, {}, seed, "random", options)


def _log(result: TrialResult) -> bytes:
    return b"\n".join(encode(e).encode() for e in result.events)


def test_controlled_runs_give_the_same_names_and_a_replay_too() -> None:
    first, second = _trial(3), _trial(3)
    assert first.status == "finished"
    assert _log(first) == _log(second)
    names = {e["obj"] for e in first.events if e["kind"] == "declare"}
    assert names == {"forks[0]", "forks[1]", "forks[2]", "alice.lock", "bob.lock"}
    threads = {e["thread"] for e in first.events if e["kind"] == "create"}
    assert threads == {"MainThread", "phil", "phil#2", "Thread-1 (dine)"}
    replay = _trial(99, {"choices": first.facts["schedule"]})
    assert _log(replay) == _log(first)


def test_plans_follow_the_value_through_the_stack() -> None:
    def plan_of(source: str) -> tuple[str, str]:
        code = compile(textwrap.dedent(source), "<plan>", "exec")
        call = next(i for i in dis.get_instructions(code) if i.opname == "CALL")
        return targets.plan(code, call.offset)

    assert plan_of("a = f()") == ("name", "a")
    assert plan_of("a, b = f(), g()") == ("name", "a")
    assert plan_of("pair = [f(), g()]") == ("name", "pair[0]")
    assert plan_of("o.attr = f()") == ("find", "")
    assert plan_of("d[k] = f()") == ("find", "")
    assert plan_of("items.append(f())") == ("find", "")
    assert plan_of("f().acquire()") == ("none", "")
    assert plan_of("print(1) if f() else None") == ("none", "")


SUBCLASS = """
class Flag(threading.Event):
    def __getattr__(self, attr):
        return f"no {attr}"

flag = Flag()
"""


def test_a_programs_own_getattr_still_answers_until_named(run: Run) -> None:
    flag = load(SUBCLASS, "subclass")["flag"]
    assert flag.colour == "no colour"  # pending: the subclass's __getattr__ still runs
    flag.set()
    assert declared(run) == ["flag"] and type(flag).__name__ == "Flag"
    assert flag.colour == "no colour"
