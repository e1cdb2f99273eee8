"""Latency figures the HTTP benchmarks share."""

from __future__ import annotations


def percentile_ms(seconds: list[float], q: float) -> float:
    """The q-quantile of latencies in seconds, in milliseconds (nan when nothing was timed)."""
    if not seconds:
        return float("nan")
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000
