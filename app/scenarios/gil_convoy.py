"""The gil-convoy scenario's page: its program is ``programs/gil_convoy.py``."""

from app.contract import Mode
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="gil-convoy",
    module=__name__,
    program="gil_convoy.py",
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
        "The GIL lane: cpu holds the GIL for a switch interval, io-busy for a moment "
        "after each reply; the verdict times the wait from the server's send.",
    ),
    talking_point="Can one CPU-bound thread hurt an I/O-bound one in Python? Yes: after "
    "each blocking call the I/O thread waits for the GIL — move the CPU work to a process.",
    params=(
        Param("rounds", "int", 100, "Requests per measurement.", 10, 1000),
        Param("server_us", "int", 200, "Microseconds the server takes to answer.", 0, 5000),
    ),
    modes=(Mode.FREE,),
    extra={"gil_lane": True},  # the GIL lane, for the whole run (app/instrument/gil.py)
)
