import threading
import time

gate = threading.Condition()
is_open = False


def wait_at_gate(patience):
    with gate:
        # wait_for re-checks the predicate after each wake-up, up to `patience` seconds
        if gate.wait_for(lambda: is_open, timeout=patience):
            print("through the gate")
        else:
            print("gave up: the gate never opened")


def main(waiters=4, wake="notify", patience=0.5):
    global is_open
    threads = [
        threading.Thread(target=wait_at_gate, args=(patience,), name=f"W{i + 1}")
        for i in range(waiters)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.1)  # let them all reach the gate
    with gate:
        is_open = True
        if wake == "notify":
            gate.notify()  # wakes ONE waiting thread
        else:
            gate.notify_all()  # wakes every waiting thread
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
