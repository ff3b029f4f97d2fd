"""A thread bomb below threading's limit: _thread starts threads the run cannot count."""

import _thread
import time


def main():
    started = 0
    while True:
        _thread.start_new_thread(time.sleep, (60,))
        started += 1
        if started % 100 == 0:
            print(started)
