"""An RLock, taken again at every level of a recursive function."""

import threading

lock = threading.RLock()  # a plain Lock would deadlock on the second acquire
visited = []


def walk(tree, depth=0):
    with lock:  # the thread that holds it may take it again: depth goes up
        name, children = tree
        visited.append("  " * depth + name)
        for child in children:
            walk(child, depth + 1)


def main():
    files = ("src", [("app", [("main.py", [])]), ("README", [])])
    docs = ("docs", [("guide", [])])
    workers = [threading.Thread(target=walk, args=(tree,)) for tree in (files, docs)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print("\n".join(visited))


if __name__ == "__main__":
    main()
