import threading

# A Lock stays taken until someone releases it, even after the thread that took it ends.
account_lock = threading.Lock()
balance = 100


def withdraw(amount):
    global balance
    if not account_lock.acquire(blocking=False):
        return  # busy: try again later
    if balance < amount:
        return  # BUG: this early return forgets account_lock.release()
    balance = balance - amount
    account_lock.release()


def audit():
    with account_lock:  # waits for the lock … forever, if a withdraw kept it
        print("audit: balance is", balance)


def main():
    threads = [
        threading.Thread(target=withdraw, args=(80,), name="T1"),
        threading.Thread(target=withdraw, args=(80,), name="T2"),
        threading.Thread(target=audit, name="auditor"),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
