import threading
import time

changed = threading.Condition()
buffer = []  # items made and not yet taken, shared by the producer and the consumers


def put(item):
    with changed:
        buffer.append(item)
        changed.notify()  # wake one waiting consumer


def produce(items, consumers):
    time.sleep(0.15)  # a slow start: the consumers' first waits time out
    for item in range(1, items + 1):
        put(item)
        time.sleep(0.02)
    for _ in range(consumers):
        put(None)  # one "stop" sign per consumer


def consume(timeout, recheck):
    while True:
        with changed:
            if recheck:
                while not buffer:  # re-check after every wake-up
                    changed.wait(timeout)  # releases the lock while it waits
            elif not buffer:
                changed.wait(timeout)  # wrong: waking up is no promise of an item
            item = buffer.pop(0)  # IndexError if the buffer is empty
        if item is None:
            return
        print(f"consumed {item}")


def main(items=6, consumers=2, timeout=0.1, recheck=True):
    producer = threading.Thread(target=produce, args=(items, consumers), name="producer")
    workers = [
        threading.Thread(target=consume, args=(timeout, recheck), name=f"C{i + 1}")
        for i in range(consumers)
    ]
    for thread in [producer, *workers]:
        thread.start()
    for thread in [producer, *workers]:
        thread.join()


if __name__ == "__main__":
    main()
