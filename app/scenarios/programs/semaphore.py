import threading
import time


def run_query(pool, seconds):
    with pool:  # takes a permit; waits while all of them are taken
        time.sleep(seconds)  # stands in for the query (SELECT …) on one connection
    # leaving the with-block gives the permit back and wakes one waiting worker


def main(workers=10, connections=3, query=0.1):
    pool = threading.Semaphore(connections)  # one permit per database connection
    threads = [
        threading.Thread(target=run_query, args=(pool, query), name=f"W{i}")
        for i in range(1, workers + 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
