"""Benchmarks and design-space sweeps (`make bench`): research code over the library packages, never imported by them.

Each writes its results under docs/results/ only when run as a command; the numbers come from that run alone.
"""
