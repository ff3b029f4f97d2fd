"""The idioms every threading guide teaches, written as a student writes them, run by the
worker's loader: the names on the page are the code's names, the lines are the
snippet's lines, shared data shows as reads and writes, and a controlled run repeats
exactly for a seed.  (Our own programs for the idioms; each runs with plain python3.)"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from app.analysis.history import check
from app.contract import Policy, Status
from app.instrument.events import Event, encode
from app.worker.program import load_source
from app.worker.trial import TrialResult, run_controlled

pytestmark = pytest.mark.timeout(60)

TARGET = """\
import threading


def greet(name):
    print(f"hello {name}")


def main():
    worker = threading.Thread(target=greet, args=("ada",))
    worker.start()
    worker.join()
"""

SUBCLASS = """\
import threading


class Downloader(threading.Thread):
    def __init__(self, url):
        super().__init__()
        self.url = url

    def run(self):
        print(f"fetched {self.url}")


def main():
    job = Downloader("https://example.org")
    job.start()
    job.join()
"""

COUNTER = """\
import threading

counter = 0
lock = threading.Lock()


def add(times):
    global counter
    for _ in range(times):
        with lock:
            counter += 1


def main(threads=2, times=3):
    workers = [threading.Thread(target=add, args=(times,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"counter = {counter}")
"""

RECURSIVE = """\
import threading

rlock = threading.RLock()


def countdown(n):
    with rlock:
        if n > 0:
            countdown(n - 1)


def main():
    countdown(3)
"""

DATABASE = """\
import threading
import time

db_pool = threading.Semaphore(3)


def query(n):
    with db_pool:
        time.sleep(0.01)  # a pretend database call


def main(clients=6):
    threads = [threading.Thread(target=query, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
"""

PRODUCER_CONSUMER = """\
import threading

items = []
ready = threading.Condition()


def produce(count):
    for n in range(count):
        with ready:
            items.append(n)
            ready.notify()


def consume(count):
    for _ in range(count):
        with ready:
            while not items:
                ready.wait()
            items.pop(0)


def main(count=3):
    consumer = threading.Thread(target=consume, args=(count,), name="consumer")
    producer = threading.Thread(target=produce, args=(count,), name="producer")
    consumer.start()
    producer.start()
    producer.join()
    consumer.join()
"""

DAEMON = """\
import threading
import time


def log_forever():
    while True:
        print("still alive")
        time.sleep(0.5)


def main():
    logger = threading.Thread(target=log_forever, daemon=True, name="logger")
    logger.start()
    time.sleep(0.1)
    print("main is done")
"""


def run(source: str, seed: int = 1, **params: Any) -> TrialResult:
    return run_controlled(load_source(source, "<snippet>"), params, seed, Policy.RANDOM)


def line_of(source: str, text: str) -> int:
    found = [n for n, line in enumerate(source.splitlines(), 1) if text in line]
    assert len(found) == 1, (text, found)
    return found[0]


def kinds_on(events: list[Event], obj: str) -> list[str]:
    return [e["kind"] for e in events if e["obj"] == obj]


def threads_of(events: list[Event]) -> set[str]:
    return {e["thread"] for e in events if e["thread"] is not None}


def output(events: list[Event]) -> list[str]:
    return [e["detail"]["text"] for e in events if e["kind"] == "output"]


@pytest.mark.parametrize(
    "source",
    [TARGET, SUBCLASS, COUNTER, RECURSIVE, DATABASE, PRODUCER_CONSUMER, DAEMON],
    ids=["target", "subclass", "counter", "rlock", "semaphore", "condition", "daemon"],
)
def test_a_snippet_repeats_exactly_for_a_seed_and_its_log_is_consistent(source: str) -> None:
    first, second = run(source, seed=7), run(source, seed=7)
    assert first.status == Status.FINISHED, first.message
    assert check(first.events) == []
    assert [encode(e) for e in first.events] == [encode(e) for e in second.events]


def test_a_thread_from_a_target_function_has_pythons_name() -> None:
    events = run(TARGET).events
    assert threads_of(events) == {"MainThread", "Thread-1 (greet)"}
    assert output(events) == ["hello ada"]


def test_a_thread_subclass_overriding_run_has_pythons_name() -> None:
    events = run(SUBCLASS).events
    assert threads_of(events) == {"MainThread", "Thread-1"}
    assert output(events) == ["fetched https://example.org"]
    printed = next(e for e in events if e["kind"] == "output")
    assert printed["detail"]["by"] == "Thread-1"


def test_with_lock_counter_plus_equals_one_is_a_read_and_a_write_under_the_lock() -> None:
    events = run(COUNTER).events
    assert output(events) == ["counter = 6"]
    on_counter = [
        e
        for e in events
        if e["obj"] == "counter" and e["kind"] in ("read", "write") and e["thread"] != "MainThread"
    ]
    assert Counter(e["kind"] for e in on_counter) == {"read": 6, "write": 6}
    assert {e["line"] for e in on_counter} == {line_of(COUNTER, "counter += 1")}
    # Every read and write of counter happens while its thread holds lock.
    holder: str | None = None
    for event in events:
        if event["obj"] == "lock" and event["kind"] == "acquire":
            holder = event["thread"]
        elif event["obj"] == "lock" and event["kind"] == "release":
            holder = None
        elif event in on_counter:
            assert event["thread"] == holder
    declared = {e["obj"]: e["detail"]["type"] for e in events if e["kind"] == "declare"}
    assert declared == {"lock": "Lock", "counter": "Shared"}


def test_a_recursive_rlock_is_taken_at_every_level() -> None:
    events = run(RECURSIVE).events
    acquires = [e for e in events if e["obj"] == "rlock" and e["kind"] == "acquire"]
    assert len(acquires) == 4
    assert {e["line"] for e in acquires} == {line_of(RECURSIVE, "with rlock:")}
    assert kinds_on(events, "rlock").count("release") == 4


def test_semaphore_3_lets_at_most_three_clients_in() -> None:
    events = run(DATABASE).events
    inside = most = 0
    for event in events:
        if event["obj"] == "db_pool" and event["kind"] == "acquire":
            inside += 1
            most = max(most, inside)
        elif event["obj"] == "db_pool" and event["kind"] == "release":
            inside -= 1
    assert most == 3
    declare = next(e for e in events if e["kind"] == "declare" and e["obj"] == "db_pool")
    assert declare["detail"]["type"] == "Semaphore"


def test_condition_producer_consumer_moves_every_item_through_the_list() -> None:
    events = run(PRODUCER_CONSUMER).events
    writes = [e for e in events if e["obj"] == "items" and e["kind"] == "write"]
    by_thread = Counter(e["thread"] for e in writes)
    # MainThread's one write is the module's own `items = []`.
    assert by_thread == {"producer": 3, "consumer": 3, "MainThread": 1}
    assert "notify" in kinds_on(events, "ready")
    assert {e["line"] for e in writes if e["thread"] == "producer"} == {
        line_of(PRODUCER_CONSUMER, "items.append(n)")
    }


def test_a_daemon_logger_is_cut_off_when_main_ends() -> None:
    events = run(DAEMON).events
    assert "main is done" in output(events)
    logger = [e for e in events if e["thread"] == "logger"]
    assert logger[-1]["state"] == "Dead"
    create = next(e for e in logger if e["kind"] == "create")
    assert create["detail"]["daemon"] is True
