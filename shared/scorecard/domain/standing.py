"""Peer standing (docs/api.md): where a partner's score stands in the network and among partners of the
same process, against the latest complete daily distribution.

A distribution is a sparse histogram of scores in tenths (scores carry one decimal, so a bucket per
tenth makes "lower score" exact: 0..1000 stand for 0.0..100.0). Only scored, non-provisional partners
are counted in it. The percentile is

    floor(100 × (partners in the distribution with a strictly lower score) / (partners in it))

floored because it reads "better than N % of partners": rounding up would claim more than is true.
Equal scores are not lower. A distribution of fewer than MIN_PEERS partners gives no percentile
(None, never 0): one partner has no peers to stand among.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import msgspec

Histogram = Mapping[int, int]  # score in tenths -> partners with that score
MIN_PEERS = 2


def score_bucket(score: Decimal | float) -> int:
    """The histogram bucket of a score: its value in tenths (scores are already rounded to 0.1)."""
    tenths = (Decimal(str(score)) * 10).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return int(tenths)


def share_lower(histogram: Histogram, score: Decimal | float) -> int | None:
    """floor(100 × lower / total) over the histogram, or None below MIN_PEERS partners."""
    total = sum(histogram.values())
    if total < MIN_PEERS:
        return None
    bucket = score_bucket(score)
    lower = sum(count for tenths, count in histogram.items() if tenths < bucket)
    return 100 * lower // total


def most_offered_process(processes: Iterable[str | None]) -> str | None:
    """The process offered most often (jobs without one are not counted); a tie goes to the
    alphabetically first process, so every run names the same one. None when no job names one."""
    counts = Counter(process for process in processes if process is not None)
    if not counts:
        return None
    return min(counts, key=lambda process: (-counts[process], process))


class Distribution(msgspec.Struct):
    """One day's scores (or a part of them: one batch's), network-wide and per process."""

    as_of: date
    network: dict[int, int] = msgspec.field(default_factory=dict)
    processes: dict[str, dict[int, int]] = msgspec.field(default_factory=dict)

    def add(self, score: Decimal | float | None, provisional: bool, process: str | None) -> None:
        """Count one partner's score; unscored and provisional partners are left out."""
        if score is None or provisional:
            return
        bucket = score_bucket(score)
        self.network[bucket] = self.network.get(bucket, 0) + 1
        if process is not None:
            per_process = self.processes.setdefault(process, {})
            per_process[bucket] = per_process.get(bucket, 0) + 1

    def merge(self, other: Distribution) -> None:
        """Add another part of the same day (another batch's histogram)."""
        for bucket, count in other.network.items():
            self.network[bucket] = self.network.get(bucket, 0) + count
        for process, histogram in other.processes.items():
            mine = self.processes.setdefault(process, {})
            for bucket, count in histogram.items():
                mine[bucket] = mine.get(bucket, 0) + count

    @property
    def partners(self) -> int:
        return sum(self.network.values())


class Standing(msgspec.Struct, frozen=True):
    distribution_as_of: date
    network: int | None
    process: str | None
    process_percentile: int | None


def standing(
    distribution: Distribution | None, score: Decimal | float | None, process: str | None
) -> Standing | None:
    """A score's standing against a distribution; None without a score or a distribution."""
    if distribution is None or score is None:
        return None
    network = share_lower(distribution.network, score)
    in_process = share_lower(distribution.processes.get(process, {}), score) if process is not None else None
    if network is None and in_process is None:
        return None
    return Standing(distribution.as_of, network, process if in_process is not None else None, in_process)
