def main():
    n = 0
    while True:  # computes forever, no traced operation
        n += 1


if __name__ == "__main__":
    main()
