import threading

lock = threading.Lock()
visited = 0  # levels entered


def visit(level, depth):
    global visited
    with lock:  # a plain Lock: the second acquire waits for... its own holder
        visited += 1
        if level < depth:
            visit(level + 1, depth)


def main(depth=4):
    worker = threading.Thread(target=visit, args=(1, depth), name="T1")
    worker.start()
    worker.join()
    print(f"visited {visited} levels")  # never reached when depth > 1


if __name__ == "__main__":
    main()
