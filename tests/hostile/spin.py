"""Eight threads that never stop computing."""

import threading


def spin():
    while True:
        pass


def main():
    for _ in range(8):
        threading.Thread(target=spin).start()
