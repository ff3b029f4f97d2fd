"""Test-only scenarios that misbehave on purpose, loaded by the registry only with
``settings.test_hooks`` (see ``registry.enable_test_scenarios``).  Each runs in the real
worker, so the worker's and the manager's own limits must end it.  Each module holds a
scenario's metadata; its program is the file of the same name in ``programs/``."""

MODULES = ("spin", "plain_lock", "flood_print")
