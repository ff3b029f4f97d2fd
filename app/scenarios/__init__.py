"""One module per scenario, plus ``registry`` (standard library only)."""
