# SPDX-License-Identifier: MIT
"""Medians and percentiles (nearest rank) without third-party packages."""
import math
import statistics


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(values, pct):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    rank = max(1, math.ceil(pct / 100.0 * len(values)))
    return values[rank - 1]


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def paired_ratio(rows, base_rows, key):
    """Median of per-repetition ratios rows[i][key] / base_rows[i][key].

    Repetitions are interleaved, so a tool and its baseline from the same
    repetition saw the same moment of a shared, noisy machine.
    """
    if not base_rows:
        return None
    return median([ratio(row.get(key), base.get(key)) for row, base in zip(rows, base_rows)])
