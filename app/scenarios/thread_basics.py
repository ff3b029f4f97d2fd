from app.instrument import Thread, sleep


def greet(who: str, steps: int) -> None:
    for step in range(1, steps + 1):
        print(f"{who}: step {step}")
        sleep(0.02)  # pretend to work; the other thread runs meanwhile


class Greeter(Thread):
    """The second way: subclass Thread and put the thread's body in run()."""

    def __init__(self, steps: int) -> None:
        super().__init__(name="from-subclass")
        self.steps = steps

    def run(self) -> None:  # start() calls this in the new thread
        greet(self.name, self.steps)


class BrokenGreeter(Greeter):
    def start(self) -> None:  # wrong: overriding start() skips Thread.start()
        self.run()  # so the body runs here, in the caller's thread


def main(steps: int = 3, override_start: bool = False) -> None:
    # The first way: hand a target function (and its args) to Thread.
    by_target = Thread(target=greet, args=("from-target", steps), name="from-target")
    by_subclass = BrokenGreeter(steps) if override_start else Greeter(steps)
    by_target.start()  # returns at once: the thread runs alongside main
    by_subclass.start()
    by_target.join()  # wait until each thread has finished
    by_subclass.join()
    print("main: both threads are done")


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="thread-basics",
    module=__name__,
    title="Starting and joining threads",
    group="Basics",
    concept="Thread(target=…), Thread subclasses, start() and join()",
    summary="One thread from a target function, one from a Thread subclass; main starts "
    "both and joins them.",
    explanation=(
        "There are two ways to give a thread its work. Pass a function as target= "
        "(with args=), or subclass Thread and override run(). Either way, nothing "
        "happens until start(): it creates the operating-system thread, which then "
        "calls run(), and returns at once, so main carries on while the thread works.\n\n"
        "join() is how one thread waits for another to finish. Here main starts both "
        "threads, then joins them, so its last line is printed only after both are done.\n\n"
        "Override run(), never start(). Thread.start() is the part that creates the new "
        "thread; a start() of your own that just calls run() makes the work happen in "
        "the caller's thread, one step after another, and the Thread object itself is "
        "never started (join() then raises RuntimeError). Try it with override_start."
    ),
    look_for=(
        "Both threads are New until start(), then Runnable and Running.",
        "Their steps interleave: while one sleeps, the other prints.",
        "main is Blocked in join() until each thread is Dead.",
        "With override_start, from-subclass's steps are printed by MainThread, and "
        "from-subclass never leaves New.",
    ),
    talking_point="What is the difference between run() and start()? start() creates the "
    "thread, which then calls run(); calling run() yourself runs it in your own thread.",
    params=(
        Param("steps", "int", 3, "Steps each thread prints.", 1, 20),
        Param(
            "override_start",
            "bool",
            False,
            "Use a subclass that overrides start() instead of run() (the mistake).",
        ),
    ),
)
