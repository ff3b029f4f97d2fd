"""Asks for 10 GB at once."""


def main():
    memory = bytearray(10 * 1024**3)
    print(len(memory))
