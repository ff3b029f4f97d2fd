"""Lifts the recursion limit and recurses without end."""

import sys


def down(n):
    return down(n + 1) + 1


def main():
    sys.setrecursionlimit(10**6)
    down(0)
