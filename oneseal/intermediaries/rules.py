"""Pure policy of the intermediary marketplace: the random draw, the lowest quote, the
automatic suspension rule and the steering test e-supervision runs.

The draw ranks the qualified intermediaries by SHA-256 of "seed:id" and takes the first, so
each qualified intermediary is equally likely and anyone can recompute the choice from the
recorded seed and ids (the same scheme as the expert pool's draw).
"""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal


def draw(seed: str, ids: list[int]) -> int:
    if not ids:
        raise ValueError("nobody to draw from")
    return min(ids, key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).hexdigest())


def lowest(quotes: dict[int, Decimal]) -> int:
    """The lowest fee; among equal fees the earliest registered (lowest id), so the choice does
    not depend on the order rows come back in."""
    if not quotes:
        raise ValueError("no quotes")
    return min(quotes, key=lambda i: (quotes[i], i))


@dataclass(frozen=True)
class SuspensionRule:
    """Suspend after `poor_ratings` ratings whose overall score is at most `poor_score`, or
    after `late_deliveries` late deliveries, within the last `months` months."""

    poor_score: float = 2.0
    poor_ratings: int = 3
    late_deliveries: int = 2
    months: int = 12

    def window_start(self, on: datetime.date) -> datetime.date:
        month = on.month - self.months
        year = on.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        day = min(on.day, 28) if month == 2 else min(on.day, 30 if month in (4, 6, 9, 11) else 31)
        return datetime.date(year, month, day)

    def verdict(self, overall_scores: list[float], late: int) -> str:
        """'ratings', 'lateness' or '' (no suspension)."""
        if sum(1 for s in overall_scores if s <= self.poor_score) >= self.poor_ratings:
            return "ratings"
        if late >= self.late_deliveries:
            return "lateness"
        return ""

    def as_dict(self) -> dict:
        return {
            "poor_score": self.poor_score,
            "poor_ratings": self.poor_ratings,
            "late_deliveries": self.late_deliveries,
            "months": self.months,
        }


@dataclass(frozen=True)
class SteeringTest:
    """A staff member steers when, over their cases' direct choices made with at least
    `min_qualified` qualified intermediaries to choose from, there are at least `min_choices`
    such choices and one intermediary took more than `share` of them. With 3 or more to choose
    from, chance gives any one at most a third on average; over half of ten or more is far
    above that."""

    min_choices: int = 10
    min_qualified: int = 3
    share: float = 0.5

    def flag(self, chosen: list[int]) -> tuple[int, int] | None:
        """(intermediary id, times chosen) when `chosen` (ids of the counted direct choices)
        shows steering, else None."""
        if len(chosen) < self.min_choices:
            return None
        top, times = Counter(chosen).most_common(1)[0]
        return (top, times) if times > self.share * len(chosen) else None
