"""Prints for ever."""


def main():
    while True:
        print("spam " * 20)
