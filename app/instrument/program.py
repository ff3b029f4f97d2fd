"""What marks a program's own code (standard library only).

A program — a scenario, or code someone pastes — is plain Python that imports
``threading``.  The worker runs its file as a module named ``PROGRAM_MODULE`` (not
``__main__``, so its ``if __name__ == "__main__": main()`` stays for ``python3``, and
the worker calls ``main(**params)`` itself).  Everything that must tell the program's
code from the standard library's and from ours asks this module:

- the import hook (``stdlib.py``) hands the traced modules only to importers whose
  globals say ``__name__ == PROGRAM_MODULE``;
- the rewritten reads and writes (``rewrite.py``) call the object named ``ACCESS_NAME``
  in the program's globals, and treat as "the program's own" the classes whose
  ``__module__`` is ``PROGRAM_MODULE``;
- names and lines (``naming.py``, ``runtime.caller_line``) come from the nearest frame
  whose file is one of ``PROGRAM_FILES``.
"""

from __future__ import annotations

from types import CodeType

PROGRAM_MODULE = "__threadlab_program__"
ACCESS_NAME = "__threadlab__"
PROGRAM_FILES: set[str] = set()  # the file names programs are compiled under


def register_file(filename: str) -> None:
    """Say that code compiled under ``filename`` is a program's."""
    PROGRAM_FILES.add(filename)


def is_program_code(code: CodeType) -> bool:
    return code.co_filename in PROGRAM_FILES
