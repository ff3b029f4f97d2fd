"""Kills its parent, which outside a sandbox could be the server itself."""

import os


def main():
    os.kill(os.getppid(), 9)
    print("still here")
