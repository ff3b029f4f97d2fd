import statistics
import sys
import threading
import time
from multiprocessing import Pipe, get_context


def echo_server(conn, delay):  # runs in its own process: it never needs our GIL
    while conn.recv() is not None:
        time.sleep(delay)  # the server takes a moment to answer
        conn.send(time.perf_counter())  # when the reply left (the clock is system-wide)


def ping(conn, rounds, label):  # the I/O-bound thread: tiny requests, waits for replies
    latencies, waits = [], []
    for i in range(rounds):
        start = time.perf_counter()
        conn.send(i)
        sent = conn.recv()  # blocks, releasing the GIL; to go on, it must get the GIL back
        now = time.perf_counter()
        latencies.append(now - start)
        waits.append(now - sent)  # from the reply's send, timed outside this thread
    print(f"{label}: {statistics.median(latencies) * 1e6:.0f} µs")
    print(f"{label}, after the reply: {statistics.median(waits) * 1e6:.0f} µs")
    print(f"{label}, after each reply (µs): {' '.join(f'{w * 1e6:.0f}' for w in waits)}")


def spin(stop):  # the CPU-bound thread: never blocks, so never gives the GIL up willingly
    while not stop.is_set():
        sum(i * i for i in range(1000))


def main(rounds=100, server_us=200):
    print(f"switch interval: {sys.getswitchinterval() * 1e6:.0f} µs")
    conn, their_end = Pipe()  # a socket pair under the hood
    spawn = get_context("spawn")  # a fresh interpreter: the safe start beside threads
    server = spawn.Process(target=echo_server, args=(their_end, server_us / 1e6))
    server.start()

    client = threading.Thread(target=ping, args=(conn, rounds, "alone"), name="io-alone")
    client.start()
    client.join()

    stop = threading.Event()
    hog = threading.Thread(target=spin, args=(stop,), name="cpu")
    client = threading.Thread(
        target=ping, args=(conn, rounds, "beside a CPU-bound thread"), name="io-busy"
    )
    hog.start()
    client.start()
    client.join()
    stop.set()
    hog.join()
    conn.send(None)
    server.join()


if __name__ == "__main__":
    main()
