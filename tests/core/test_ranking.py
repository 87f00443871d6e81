"""Competition ranking (1, 1, 3): ties share a rank, the next rank skips, the tie-break only orders."""

from app.core.ranking import competition_ranks


def _ranks(ranked) -> list[tuple[int, str]]:
    return [(rank, name) for rank, (name, _score) in ranked]


def test_ties_share_a_rank_and_the_next_rank_skips():
    scores = [("Bea", 7), ("Ada", 9), ("Cid", 9), ("Dan", 3), ("Eva", 7), ("Fay", 7)]
    ranked = competition_ranks(scores, key=lambda item: -item[1], tiebreak=lambda item: item[0])
    assert _ranks(ranked) == [(1, "Ada"), (1, "Cid"), (3, "Bea"), (3, "Eva"), (3, "Fay"), (6, "Dan")]


def test_the_tie_break_orders_equals_without_changing_their_rank():
    scores = [("Ada", 9), ("Cid", 9), ("Bea", 4)]
    ranked = competition_ranks(scores, key=lambda item: -item[1], tiebreak=lambda item: item[0] != "Cid")
    assert _ranks(ranked) == [(1, "Cid"), (1, "Ada"), (3, "Bea")]
    assert _ranks(competition_ranks(scores, key=lambda item: -item[1])) == [(1, "Ada"), (1, "Cid"), (3, "Bea")]


def test_a_key_can_put_the_unscored_last_sharing_a_rank():
    scores = [("Ada", None), ("Bea", 0.0), ("Cid", None), ("Dan", 2.5)]
    ranked = competition_ranks(scores, key=lambda item: (item[1] is None, -(item[1] or 0)),
                               tiebreak=lambda item: item[0])
    assert _ranks(ranked) == [(1, "Dan"), (2, "Bea"), (3, "Ada"), (3, "Cid")]


def test_empty_and_single():
    assert competition_ranks([], key=lambda item: item) == []
    assert competition_ranks(iter([42]), key=lambda item: -item) == [(1, 42)]
