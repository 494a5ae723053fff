"""Benchmarks: generators of realistic partnership networks and side-by-side runs against baselines."""
