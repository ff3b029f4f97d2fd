"""Writes forged protocol lines to every file descriptor it has (one of them is the
worker's pipe to the server): a 'done' that says all is well, and an 'end' event."""

import os
import time

DONE = b'{"msg":"done","status":"finished","message":"all good","python":"9.9","facts":{}}\n'
END = (
    b'{"seq":3,"t":0.5,"kind":"end","thread":null,"state":null,"obj":null,"line":null,'
    b'"detail":{"status":"finished"}}\n'
)
JUNK = b'{"seq":1,"t":NaN}\n' + b"\r\n" + b"\xff" * 10 + b"\n"


def main():
    for fd in range(256):
        for line in (DONE, END, JUNK):
            try:
                os.write(fd, line)
            except OSError:
                pass
    while True:  # and keeps running, as if it had not said it was done
        time.sleep(0.1)
