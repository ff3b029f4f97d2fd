import threading

items = []
ready = threading.Condition()


def consumer():
    with ready:
        if not items:  # BUG: `if`, not `while` — the list may be empty again on waking
            ready.wait()
        item = items.pop()  # IndexError if another consumer took it first
    print("got", item)


def producer(count):
    for n in range(count):
        with ready:
            items.append(n)
            ready.notify_all()


def main(consumers=2):
    threads = [threading.Thread(target=consumer, name=f"C{i + 1}") for i in range(consumers)]
    threads.append(threading.Thread(target=producer, args=(consumers,), name="P"))
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
