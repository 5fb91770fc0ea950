"""Test-level statistics of classical test theory, as Moodle's quiz statistics report gives them.

Pure functions over plain numbers (no store, no terminal), so each figure can be checked by hand.

The figures (sample statistics, n - 1, as Moodle uses):

- mean and standard deviation of the test score;
- Cronbach's alpha, Moodle's "coefficient of internal consistency":
  alpha = k / (k - 1) x (1 - sum of the item variances / variance of the test score);
- the standard error of measurement, SEM = SD x sqrt(1 - alpha), in the test score's own units.

A branching scenario is not a fixed test: each path meets different decisions. An *item* here is
one decision (or multi) node and its mark is the fraction of the node's best points earned there
(0 to 1). A learner whose path never met an item has no mark for it, and some value has to stand
in for it before alpha can be computed. We give such an item the mean mark of those who did meet
it (mean imputation). Why that, rather than 0 or leaving the item out:

- scoring an unmet item 0 would punish a learner for where a good earlier choice led, and turn the
  shape of the graph (which nodes come after which choices) into spurious covariance between items;
- leaving the learner's unmet items out of their total makes the total no longer the sum of the
  items, which alpha's formula assumes;
- an imputed mean is the one value that adds nothing to the item's spread nor to its covariance
  with any other item: the attempt is judged only on the decisions it met, and the test score is
  still exactly the sum of its items, so alpha and the SEM stay consistent with the SD reported.

The test score is then the mean of the item marks as a percentage (so the mean is the average of
the items' facilities), and alpha falls when learners' marks on the decisions they met do not hang
together. Too few attempts, fewer than two items, or scores that do not vary: no number, a reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MIN_FOR_RELIABILITY = 10  # fewer first attempts than this give an alpha too unstable to act on
NO_SPREAD = 1e-12  # a variance of marks in 0-1 this small is rounding error: the scores do not vary


@dataclass(frozen=True)
class OverallStatistics:
    """One scenario and track's test-level figures; a figure is None when ``note`` says why."""

    attempts: int
    items: int
    mean: float | None
    sd: float | None
    alpha: float | None
    sem: float | None
    note: str | None


def overall_statistics(marks: Sequence[Mapping[str, float]], min_attempts: int = MIN_FOR_RELIABILITY) -> OverallStatistics:
    """The figures for attempts given as {item: mark 0-1} of the items each attempt met."""
    n = len(marks)
    means = _item_means(marks)
    # deviation of each attempt's total from the sum of the item means: unmet items add 0
    deviations = [sum(x - means[item] for item, x in attempt.items()) for attempt in marks]
    item_ss = sum((x - means[item]) ** 2 for attempt in marks for item, x in attempt.items())
    sums = OverallSums(n, list(means.values()), sum(deviations), sum(d * d for d in deviations), item_ss)
    return from_sums(sums, min_attempts)


@dataclass(frozen=True)
class OverallSums:
    """What the figures are made of, so that a database can add them up: the attempts, each item's
    mean mark, and over the attempts the sum of d and of d squared (d: an attempt's deviation from
    the sum of the item means, over the items it met) and of each met item's squared deviation."""

    attempts: int
    item_means: list[float]
    sum_d: float
    sum_dd: float
    item_ss: float


def from_sums(sums: OverallSums, min_attempts: int = MIN_FOR_RELIABILITY) -> OverallStatistics:
    """The figures from their sums (see ``overall_statistics`` for the marks themselves)."""
    n, k = sums.attempts, len(sums.item_means)
    if n == 0 or k == 0:
        return OverallStatistics(n, k, None, None, None, None, "no completed attempts met a decision")
    mean_dev = sums.sum_d / n
    mean = 100.0 * (sum(sums.item_means) + mean_dev) / k
    if n < 2:
        return OverallStatistics(n, k, mean, None, None, None, "one attempt: no spread to measure")
    total_var = max(0.0, sums.sum_dd - sums.sum_d * mean_dev) / (n - 1)
    sd = 100.0 * math.sqrt(total_var) / k
    if n < min_attempts:
        return OverallStatistics(n, k, mean, sd, None, None, f"too few attempts for alpha ({n}; {min_attempts} needed)")
    if k < 2:
        return OverallStatistics(n, k, mean, sd, None, None, "one decision only: alpha needs two or more")
    if total_var <= NO_SPREAD:
        return OverallStatistics(n, k, mean, sd, None, None, "every attempt scored the same: alpha is undefined")
    alpha = k / (k - 1) * (1.0 - (sums.item_ss / (n - 1)) / total_var)
    sem = sd * math.sqrt(max(0.0, 1.0 - alpha))
    return OverallStatistics(n, k, mean, sd, alpha, sem, None)


def _item_means(marks: Sequence[Mapping[str, float]]) -> dict[str, float]:
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for attempt in marks:
        for item, x in attempt.items():
            sums[item] = sums.get(item, 0.0) + x
            counts[item] = counts.get(item, 0) + 1
    return {item: sums[item] / counts[item] for item in sums}


def median_of_counts(counts: Mapping[float, int]) -> float | None:
    """The median of values given as {value: how many times}: what a GROUP BY hands back, so a
    million timings need not leave the database one by one."""
    total = sum(counts.values())
    if total == 0:
        return None
    low_rank, high_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle one or two
    seen, low = 0, None
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > low_rank:
            low = value
        if low is not None and seen > high_rank:  # low is set by then: its rank is never above high's
            return (low + value) / 2.0
    return None
