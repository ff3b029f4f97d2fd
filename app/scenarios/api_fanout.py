"""The api-fanout scenario's page: its program is ``programs/api_fanout.py``."""

from app.contract import Mode
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="api-fanout",
    module=__name__,
    program="api_fanout.py",
    title="Fan out calls to a slow API",
    group="The GIL and the alternatives",
    concept="concurrent API calls with threads, ThreadPoolExecutor and asyncio",
    summary="Twelve calls to a slow API: one after another, one thread per call, a "
    "ThreadPoolExecutor with a few workers, and asyncio tasks — timed in this run.",
    explanation=(
        "A backend that calls a slow remote API — a payment provider, a search service, "
        "a large language model — spends nearly all its time waiting for answers. Made "
        "one after another, twelve calls of 0.2 s take 2.4 s. Made from twelve threads "
        "at once, they take about 0.2 s: the waits overlap, and the GIL is no obstacle "
        "because waiting threads don't hold it — the GIL lane at the top of the timeline "
        "is empty most of the time.\n\n"
        "One thread per call does not scale to ten thousand calls, and the API would "
        "not like it either: it has rate limits. A ThreadPoolExecutor with max_workers "
        "runs at most that many calls at a time and queues the rest, so twelve calls "
        "with four workers take three rounds. pool.map returns the results in the order "
        "of the inputs. This is the skeleton of every batch job that sends prompts to "
        "an LLM API: pick max_workers from the provider's concurrency limit.\n\n"
        "asyncio does the same overlap in one thread: each call is a task that awaits "
        "the answer (an async HTTP client such as httpx or aiohttp; asyncio.sleep here), "
        "and while it waits the event loop runs the others. gather returns the answers "
        "in order, like pool.map. The GIL lane measures the whole run: every variant is "
        "timed under it, like with like (it costs a little per line, and these calls "
        "mostly wait)."
    ),
    look_for=(
        "Sequential: main is Blocked in one call after another.",
        "A thread per call: all the call threads are Blocked at the same time, and the "
        "GIL lane is empty — nobody needs the GIL while they wait.",
        "The pool: only max_workers pool threads, each taking the next call when it is "
        "free; the total is about ceil(calls / max_workers) waits.",
        "asyncio: the task lanes async-call1… are Blocked in their sleep at the same time, like "
        "the call threads, but all in MainThread's event loop: one thread, no pool.",
    ),
    talking_point="How would you speed up 10,000 calls to an external API in Python? "
    "A ThreadPoolExecutor (or asyncio) with a bounded number of workers, sized to the "
    "API's rate limit.",
    params=(
        Param("calls", "int", 12, "API calls to make.", 1, 40),
        Param("latency", "float", 0.2, "Seconds each call takes.", 0.01, 2.0),
        Param("max_workers", "int", 4, "Workers in the ThreadPoolExecutor.", 1, 16),
    ),
    modes=(Mode.FREE,),
    # The GIL lane measures the whole run: every variant waits, and all are timed under
    # its tracer alike (app/instrument/gil.py).
    extra={"gil_lane": True},
)
