def main():
    while True:  # every line is an ``output`` event: only the event limit ends it
        print("flood")


if __name__ == "__main__":
    main()
