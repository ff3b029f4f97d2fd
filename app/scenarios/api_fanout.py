import time
from concurrent.futures import ThreadPoolExecutor

from app.instrument import Thread, io, measure


def call_api(prompt: str, latency: float) -> str:
    io(latency, f"POST /v1/complete ({prompt})")  # a slow remote API: mostly waiting
    return f"answer to {prompt}"


def main(calls: int = 12, latency: float = 0.3, max_workers: int = 4) -> None:
    prompts = [f"prompt {i}" for i in range(1, calls + 1)]

    start = time.perf_counter()
    answers: list[str | None] = [call_api(p, latency) for p in prompts]  # one after another
    measure("sequential", time.perf_counter() - start)

    start = time.perf_counter()
    answers = [None] * calls

    def call(i: int) -> None:
        answers[i] = call_api(prompts[i], latency)

    threads = [Thread(target=call, args=(i,), name=f"call{i + 1}") for i in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    measure("a thread per call", time.perf_counter() - start)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="pool") as pool:
        answers = list(pool.map(call_api, prompts, [latency] * calls))  # results in order
    measure(f"pool of {max_workers}", time.perf_counter() - start)
    print(f"{len(answers)} answers, first: {answers[0]!r}")


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Mode  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="api-fanout",
    module=__name__,
    title="Fan out calls to a slow API",
    group="The GIL and the alternatives",
    concept="concurrent API calls with threads and ThreadPoolExecutor",
    summary="Twelve calls to a slow API: one after another, one thread per call, and "
    "a ThreadPoolExecutor with a few workers — timed in this run.",
    explanation=(
        "A backend that calls a slow remote API — a payment provider, a search service, "
        "a large language model — spends nearly all its time waiting for answers. Made "
        "one after another, twelve calls of 0.3 s take 3.6 s. Made from twelve threads "
        "at once, they take about 0.3 s: the waits overlap, and the GIL is no obstacle "
        "because waiting threads don't hold it.\n\n"
        "One thread per call does not scale to ten thousand calls, and the API would "
        "not like it either: it has rate limits. A ThreadPoolExecutor with max_workers "
        "runs at most that many calls at a time and queues the rest, so twelve calls "
        "with four workers take three rounds. pool.map returns the results in the order "
        "of the inputs. This is the skeleton of every batch job that sends prompts to "
        "an LLM API: pick max_workers from the provider's concurrency limit."
    ),
    look_for=(
        "Sequential: main is Blocked in one call after another.",
        "A thread per call: all the call threads are Blocked at the same time.",
        "The pool: only max_workers pool threads, each taking the next call when it is "
        "free; the total is about ceil(calls / max_workers) waits.",
    ),
    talking_point="How would you speed up 10,000 calls to an external API in Python? "
    "A ThreadPoolExecutor (or asyncio) with a bounded number of workers, sized to the "
    "API's rate limit.",
    params=(
        Param("calls", "int", 12, "API calls to make.", 1, 40),
        Param("latency", "float", 0.3, "Seconds each call takes.", 0.01, 2.0),
        Param("max_workers", "int", 4, "Workers in the ThreadPoolExecutor.", 1, 16),
    ),
    modes=(Mode.FREE,),
)
