"""The benchmarks are scripts, never tests: `make test` and pytest collect nothing here.

They run for minutes, start peers' generators and servers, and measure a shared machine;
`make bench` runs them (`python -m tests.bench`).
"""

collect_ignore_glob = ["*"]
