"""Benchmarks: ``make bench`` runs every ``bench/<name>.py``; see bench/README.md."""
