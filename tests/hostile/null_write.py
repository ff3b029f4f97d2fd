"""Writes to address 0 through ctypes: the worker dies of SIGSEGV."""

import ctypes


def main():
    ctypes.memset(0, 1, 1)
