import threading

rlock = threading.RLock()
visited = 0  # levels entered, by all threads together


def visit(level, depth):
    global visited
    with rlock:  # the owner may take it again: an RLock counts how deep it is held
        visited += 1
        if level < depth:
            visit(level + 1, depth)  # re-enters the lock it already holds


def main(depth=4, threads=2):
    workers = [
        threading.Thread(target=visit, args=(1, depth), name=f"T{i + 1}") for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"visited {visited} levels")


if __name__ == "__main__":
    main()
