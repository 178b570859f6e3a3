"""Performance harness for tap-wistia (run by hand: ``python -m benchmarks.run``)."""
