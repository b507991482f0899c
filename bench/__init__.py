"""Benchmarks (`make bench`): each prints figures and ratios against a baseline from the same run."""
