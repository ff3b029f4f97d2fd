"""The program several tests run as someone's own code: two threads S0 and S1 counting
down ``steps`` each, pure Python (what the GIL lane is about)."""


def spinners(steps: int, first_line: str = "") -> str:
    """The program's text; ``first_line`` (a statement) runs first in ``main``."""
    head = f"    {first_line}\n" if first_line else ""
    imports = "import sys\n" if first_line else ""  # what a first line may use
    return f"""\
{imports}import threading


def spin():
    n = {steps:_}
    while n > 0:
        n -= 1


def main():
{head}    workers = [threading.Thread(target=spin, name=f"S{{i}}") for i in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
"""
