import threading
import time


def work(barrier, index, phases, abort_phase):
    name = threading.current_thread().name
    for phase in range(1, phases + 1):
        time.sleep(0.03 * (index + 1))  # this phase's work: each thread has its own speed
        if phase == abort_phase and index == barrier.parties - 1:  # the slowest one fails
            print(f"{name}: something failed, aborting phase {phase}")
            barrier.abort()  # breaks the barrier for everyone
            return
        try:
            barrier.wait()  # the last of the threads to arrive releases them all
        except threading.BrokenBarrierError:
            print(f"{name}: barrier broken in phase {phase}, giving up")
            return


def main(threads=3, phases=3, abort_phase=3):
    barrier = threading.Barrier(threads)
    workers = [
        threading.Thread(target=work, args=(barrier, i, phases, abort_phase), name=f"T{i + 1}")
        for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main()
