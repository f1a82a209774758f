"""Benchmarks: each main job measured against a reference implementation in the same run."""
