"""`make bench`: generation speed and client overhead, side by side with the peers.

Benchmarks, not tests: `conftest.py` keeps pytest from collecting anything here, and no
file is named `test_*`. `python -m tests.bench` runs every stage (see `__main__.py`).
"""
