"""The child process: runs one program (``runner``) or a "Break it" search (``searcher``).

Standard library only, and only the standard-library-only parts of the app it runs
(``app.instrument``, ``app.scenarios``, ``app.analysis``, ``app.contract``), so any
interpreter can be the worker — a free-threaded ``python3.13t`` without the web stack
installed.
"""
