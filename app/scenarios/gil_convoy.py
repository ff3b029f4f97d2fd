import statistics
import sys
import time
from multiprocessing import Pipe, get_context
from multiprocessing.connection import Connection

from app.instrument import Event, Thread, measure


def echo_server(
    conn: Connection, delay: float
) -> None:  # runs in its own process: it never needs our GIL
    while (message := conn.recv()) is not None:
        time.sleep(delay)  # the server takes a moment to answer
        conn.send(message)


def ping(
    conn: Connection, rounds: int, label: str
) -> None:  # the I/O-bound thread: tiny requests, waits for replies
    latencies: list[float] = []
    for i in range(rounds):
        start = time.perf_counter()
        conn.send(i)
        conn.recv()  # blocks, releasing the GIL; to go on, it must get the GIL back
        latencies.append(time.perf_counter() - start)
    measure(label, statistics.median(latencies) * 1e6, unit="µs")


def spin(
    stop: Event,
) -> None:  # the CPU-bound thread: never blocks, so never gives the GIL up willingly
    while not stop.is_set():
        sum(i * i for i in range(1000))


def main(rounds: int = 100, server_us: int = 200) -> None:
    measure("switch interval", sys.getswitchinterval() * 1e6, unit="µs")
    conn, their_end = Pipe()  # a socket pair under the hood
    spawn = get_context("spawn")  # a fresh interpreter: the safe start beside threads
    server = spawn.Process(target=echo_server, args=(their_end, server_us / 1e6))
    server.start()

    client = Thread(target=ping, args=(conn, rounds, "alone"), name="io-alone")
    client.start()
    client.join()

    stop = Event(name="stop")
    hog = Thread(target=spin, args=(stop,), name="cpu")
    client = Thread(target=ping, args=(conn, rounds, "beside a CPU-bound thread"), name="io-busy")
    hog.start()
    client.start()
    client.join()
    stop.set()
    hog.join()
    conn.send(None)
    server.join()


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Mode  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="gil-convoy",
    module=__name__,
    title="The convoy effect: I/O beside a CPU-bound thread",
    group="The GIL and the alternatives",
    concept="an I/O thread waits for the GIL after every blocking call",
    summary="A thread pings a server and times each reply: alone, then beside one "
    "CPU-bound thread. Same code, same server, much slower replies.",
    explanation=(
        "An I/O-bound thread releases the GIL each time it blocks, and must take it "
        "back before it can run again. Alone, the GIL is free and it gets it at once. "
        "Beside a CPU-bound thread, the GIL is taken: the I/O thread waits until the "
        "CPU-bound one is made to hand it over, up to one switch interval (5 ms by "
        "default) later. It pays that wait after every single reply, while the "
        "CPU-bound thread hardly notices. That is the convoy effect, described by David "
        "Beazley in 2010, and it is why a web server thread answers slowly next to "
        "a thread crunching numbers.\n\n"
        "The server is a separate process, so it never competes for our GIL; it answers "
        "after server_us microseconds. The latency shown is the median over all rounds, "
        "measured in this run; how big the effect is depends on the Python version and "
        "the machine."
    ),
    look_for=(
        "io-alone runs by itself; io-busy runs while cpu is spinning.",
        "The verdict compares the median reply time in both cases.",
        "cpu is never Blocked: it keeps the GIL until it is asked to give it up.",
    ),
    talking_point="Can one CPU-bound thread hurt an I/O-bound one in Python? Yes: after "
    "each blocking call the I/O thread waits for the GIL — move the CPU work to a process.",
    params=(
        Param("rounds", "int", 100, "Requests per measurement.", 10, 1000),
        Param("server_us", "int", 200, "Microseconds the server takes to answer.", 0, 5000),
    ),
    modes=(Mode.FREE,),
)
