"""The child process: runs one program (``runner``) or a "Break it" search (``searcher``).

Standard library only, and only the standard-library-only packages it runs
(``app.instrument``, ``app.scenarios``, ``app.analysis``), so any interpreter can be the
worker — a free-threaded ``python3.13t`` without the web stack installed.
"""
