"""Writes outside its working directory: the server's code, its data dir, its home."""

import os

TARGETS = ["/etc/threadlab-was-here"]  # the test adds its own folders


def main():
    for folder in TARGETS:
        path = os.path.join(folder, "threadlab-was-here")
        try:
            with open(path, "w") as file:
                file.write("owned\n")
            print(f"WROTE {path}")
        except OSError as exc:
            print(f"blocked {path}: {type(exc).__name__}")
    with open("mine.txt", "w") as file:  # its own working directory is its to write
        file.write("fine\n")
    print("wrote mine.txt")
