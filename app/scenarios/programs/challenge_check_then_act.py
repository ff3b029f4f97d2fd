import threading

seats = 1
sold = 0


def book():
    global seats, sold
    if seats > 0:  # check …
        seats = seats - 1  # … then act: the check may be stale by now
        sold = sold + 1


def main(customers=2):
    threads = [threading.Thread(target=book, name=f"customer{i + 1}") for i in range(customers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"seats left: {seats}, sold: {sold}")


if __name__ == "__main__":
    main()
