"""Small-count suppression: the one rule every output path uses."""

from __future__ import annotations

from partnergraph.queries.privacy import SUPPRESSED, lower_bound, suppress, suppress_group, suppress_sum


def test_counts_from_one_to_four_are_hidden_zero_and_five_are_not() -> None:
    assert [suppress(n) for n in range(7)] == [0, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED, 5, 6]


def test_a_group_total_never_gives_a_hidden_cell_back() -> None:
    # GOPS 6 and PUP 3: showing the total 9 would give PUP's 3 back (9 - 6); the total is a lower
    # bound from what is shown: 6 + 1 for the one hidden cell.
    cells, total = suppress_group({"GOPS": 6, "PUP": 3})
    assert cells == {"GOPS": 6, "PUP": SUPPRESSED} and total == "≥7"
    assert suppress_group({"GOPS": 6, "PUP": 9}) == ({"GOPS": 6, "PUP": 9}, 15)
    assert suppress_group({"GOPS": 0}) == ({"GOPS": 0}, 0)


def test_a_sum_of_counts_shown_elsewhere_follows_the_same_rule() -> None:
    assert suppress_sum([6, 4, 3, 2]) == "≥9"  # 6 shown + three hidden flows of at least 1 each
    assert suppress_sum([1, 2]) == SUPPRESSED  # the sum itself is small
    assert suppress_sum([3, 3]) == "≥2"  # 6 would be shown, but each part is hidden elsewhere
    assert suppress_sum([6, 9]) == 15 and suppress_sum([]) == 0


def test_lower_bound_reads_only_what_is_shown() -> None:
    assert [lower_bound(v) for v in (12, "≥9", SUPPRESSED)] == [12, 9, None]
