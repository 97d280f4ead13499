"""The score-order key of GSI3 (adapters/keys.py): fixed width tenths, so lexical order is score order."""

from decimal import Decimal

import pytest
from scorecard.adapters import keys


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (Decimal("0"), "0000#acme-01"),
        # 0.05 -> 0.5 tenths -> 0 (half to even, as the peer-standing histogram buckets it; stored
        # scores carry one decimal already, so this only pins that both agree)
        (Decimal("0.05"), "0000#acme-01"),
        (Decimal("0.1"), "0001#acme-01"),
        (Decimal("69.95"), "0700#acme-01"),  # 699.5 tenths -> 700 (half to even)
        (Decimal("69.9"), "0699#acme-01"),
        (Decimal("92.3"), "0923#acme-01"),
        (Decimal("100"), "1000#acme-01"),
        (100.0, "1000#acme-01"),
        (None, None),  # no score: not in the index at all
    ],
)
def test_score_order_key(score: Decimal | float | None, expected: str | None) -> None:
    assert keys.score_gsi3sk("acme-01", score) == expected


def test_lexical_order_is_score_order_then_id() -> None:
    ordered = [("b-1", "9.9"), ("a-2", "10.0"), ("a-1", "92.3"), ("z-9", "92.3"), ("a", "100.0")]
    built = [keys.score_gsi3sk(pid, Decimal(score)) for pid, score in ordered]
    assert built == ["0099#b-1", "0100#a-2", "0923#a-1", "0923#z-9", "1000#a"]
    assert sorted(built, key=str) == built  # "9.9" < "10.0" as strings too: the zero padding
    # an id that extends another sorts after it, and "#" is below every id character
    assert keys.score_gsi3sk("ab", Decimal(50)) < keys.score_gsi3sk("ab-c", Decimal(50))  # type: ignore[operator]


def test_a_score_outside_the_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        keys.score_gsi3sk("acme-01", Decimal("-0.1"))
