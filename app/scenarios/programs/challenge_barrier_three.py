import threading

meeting = threading.Barrier(2)  # BUG: three threads, but a barrier for two


def runner():
    meeting.wait()  # the first two meet and go; the third waits for a partner
    print("through")


def main():
    threads = [threading.Thread(target=runner, name=f"R{i + 1}") for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
