import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def call_api(prompt, latency):
    time.sleep(latency)  # stands in for POST /v1/complete: a slow remote API, mostly waiting
    return f"answer to {prompt}"


def call(answers, i, prompt, latency):
    answers[i] = call_api(prompt, latency)  # a thread returns nothing: keep the result


async def call_api_async(prompt, latency):
    await asyncio.sleep(latency)  # the same call with an async HTTP client: awaits the answer
    return f"answer to {prompt}"


async def in_tasks(prompts, latency):  # one thread, one event loop, a task per call
    tasks = [
        asyncio.create_task(call_api_async(p, latency), name=f"async-call{i}")
        for i, p in enumerate(prompts, 1)
    ]
    return await asyncio.gather(*tasks)  # results in order, like pool.map


def main(calls=12, latency=0.2, max_workers=4):
    prompts = [f"prompt {i}" for i in range(1, calls + 1)]

    start = time.perf_counter()
    answers = [call_api(p, latency) for p in prompts]  # one after another
    print(f"sequential: {time.perf_counter() - start:.3f} s")

    start = time.perf_counter()
    answers = [None] * calls
    threads = [
        threading.Thread(target=call, args=(answers, i, p, latency), name=f"call{i + 1}")
        for i, p in enumerate(prompts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"a thread per call: {time.perf_counter() - start:.3f} s")

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="pool") as pool:
        answers = list(pool.map(call_api, prompts, [latency] * calls))  # results in order
    print(f"pool of {max_workers}: {time.perf_counter() - start:.3f} s")

    start = time.perf_counter()
    answers = asyncio.run(in_tasks(prompts, latency))  # the waits overlap in one thread
    print(f"asyncio tasks: {time.perf_counter() - start:.3f} s")
    print(f"{len(answers)} answers, first: {answers[0]!r}")


if __name__ == "__main__":
    main()
