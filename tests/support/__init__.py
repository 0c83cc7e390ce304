"""Test and benchmark tooling that must not ship in the runtime package (``tests/`` and
``benchmarks/`` put ``tests/`` on ``sys.path`` and import ``support``)."""
