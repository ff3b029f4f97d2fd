import threading
import time


def greet(who, steps):
    for step in range(1, steps + 1):
        print(f"{who}: step {step}")
        time.sleep(0.02)  # pretend to work; the other thread runs meanwhile


class Greeter(threading.Thread):
    """The second way: subclass Thread and put the thread's body in run()."""

    def __init__(self, steps):
        super().__init__(name="from-subclass")
        self.steps = steps

    def run(self):  # start() calls this in the new thread
        greet(self.name, self.steps)


class BrokenGreeter(Greeter):
    def start(self):  # wrong: overriding start() skips Thread.start()
        self.run()  # so the body runs here, in the caller's thread


def main(steps=3, override_start=False):
    # The first way: hand a target function (and its args) to Thread.
    by_target = threading.Thread(target=greet, args=("from-target", steps), name="from-target")
    by_subclass = BrokenGreeter(steps) if override_start else Greeter(steps)
    by_target.start()  # returns at once: the thread runs alongside main
    by_subclass.start()
    by_target.join()  # wait until each thread has finished
    by_subclass.join()
    print("main: both threads are done")


if __name__ == "__main__":
    main()
