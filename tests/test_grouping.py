"""Near-duplicate grouping through LSH buckets: the same groups as the exact full pass, and
only the candidates' vectors read."""

from __future__ import annotations

import numpy as np
import pytest
from trending_seed import add_article, near, unit

from factcheck.match import grouping, matcher
from factcheck.storage import embeddings
from factcheck.storage import matches as store

DIM = 384
THRESHOLD = 0.9


def background(rng, common) -> np.ndarray:
    """A claim vector of an unrelated claim, MiniLM-like: cosine about 0.2 to any other."""
    noise = unit(rng.standard_normal(DIM))
    return unit(0.5 * common + noise)


def test_collision_chances_are_as_documented() -> None:
    assert grouping.collision_chance(0.9) == pytest.approx(0.985, abs=0.001)
    assert grouping.collision_chance(0.95) > 0.9998
    assert grouping.collision_chance(0.0) == pytest.approx(0.0007, abs=0.0001)
    assert grouping.collision_chance(0.2) == pytest.approx(0.005, abs=0.0005)


def test_slots_are_fixed_and_banded() -> None:
    rng = np.random.default_rng(1)
    matrix = np.vstack([unit(rng.standard_normal(DIM)) for _ in range(3)])
    first = grouping.slots(grouping.signs(matrix))
    again = grouping.slots(grouping.signs(matrix.copy()))
    assert grouping.unpack_signs(grouping.pack_signs(grouping.signs(matrix)[1])).tolist() == (
        grouping.signs(matrix)[1].tolist()
    )
    assert first.shape == (3, grouping.BANDS) and (first == again).all()
    bands = first >> grouping.BITS
    assert (bands == np.arange(grouping.BANDS)).all()


def test_lsh_groups_as_the_exact_pass_does(db, settings) -> None:
    """Eight articles: new claims, and repeats of earlier ones at cosines on both sides of the
    threshold (0.97, 0.93, 0.91, 0.905, 0.895, 0.85); each article grouped by LSH, then by the
    exact full pass over the same claims. The same groups and similarities, except where a
    repeat just over the threshold shares no band with its original (chance 1.5% at 0.90): then
    LSH leaves it alone, never in another group."""
    rng = np.random.default_rng(7)
    common = unit(rng.standard_normal(DIM))
    earlier: list[np.ndarray] = []
    cosines = [0.97, 0.93, 0.91, 0.905, 0.895, 0.85]
    joined, missed = 0, []
    for article in range(8):
        claims = []
        for n in range(12):
            if earlier and n < len(cosines):
                vector = near(earlier[rng.integers(len(earlier))], cosines[n], rng)
            else:
                vector = background(rng, common)
            earlier.append(vector)
            claims.append((f"article {article} claim {n}", vector, None))
        ids = add_article(db, f"a{article}", claims, settings)
        lsh = grouping.group_claims(db, ids, settings.model, THRESHOLD)
        exact = grouping.group_exact(db, ids, settings.model, THRESHOLD)
        assert lsh.groups.keys() == exact.groups.keys() == set(ids)
        for claim in ids:
            (by_lsh, lsh_sim), (by_exact, exact_sim) = lsh.groups[claim], exact.groups[claim]
            if by_lsh == by_exact:
                assert lsh_sim == pytest.approx(exact_sim, abs=1e-5)
            else:
                assert lsh_sim is None and exact_sim < 0.92, (claim, exact_sim)
                missed.append(claim)
        assert lsh.candidates < exact.candidates or article == 0
        joined += exact.joined
    assert joined >= 7 * 4  # the repeats from 0.905 up joined; 0.895 and 0.85 did not
    assert len(missed) <= 2, missed


def test_grouping_reads_only_the_candidates_vectors(db, settings, monkeypatch) -> None:
    rng = np.random.default_rng(3)
    common = unit(rng.standard_normal(DIM))
    stored = [background(rng, common) for _ in range(300)]
    old = add_article(db, "old", [(f"old {n}", v, None) for n, v in enumerate(stored)], settings)
    grouping.group_claims(db, old, settings.model, THRESHOLD)
    new = add_article(
        db,
        "new",
        [("a repeat", near(stored[42], 0.95, rng), None)]
        + [(f"new {n}", background(rng, common), None) for n in range(4)],
        settings,
    )
    asked: list[str] = []
    real = embeddings.get_many

    def counted(db, hashes, model):
        asked.extend(hashes)
        return real(db, hashes, model)

    monkeypatch.setattr(embeddings, "get_many", counted)
    result = grouping.group_claims(db, new, settings.model, THRESHOLD)
    assert result.joined == 1 and store.groups(db)[new[0]] == old[42]
    loaded = len(asked) - len(new)  # the new claims' own vectors, then the candidates'
    assert loaded == result.vectors_loaded
    assert 1 <= loaded < 30, "a tenth of the stored vectors at most"
    asked.clear()
    exact = grouping.group_exact(db, new, settings.model, THRESHOLD)
    assert len(asked) == exact.vectors_loaded == 305 and store.groups(db)[new[0]] == old[42]


def test_claims_grouped_before_buckets_get_them_once(db, settings) -> None:
    rng = np.random.default_rng(5)
    common = unit(rng.standard_normal(DIM))
    first = background(rng, common)
    old = add_article(db, "old", [("said once", first, "Ann")], settings)
    grouping.group_exact(db, old, settings.model, THRESHOLD)  # no buckets, as before 0011
    new = add_article(db, "new", [("said again", near(first, 0.96, rng), "Bob")], settings)
    result = grouping.group_claims(db, new, settings.model, THRESHOLD)
    assert result.backfilled == 1 and result.joined == 1
    assert store.groups(db)[new[0]] == old[0]
    assert grouping.backfill(db, settings.model) == 0


def test_match_claims_groups_through_buckets(db, settings) -> None:
    """The matcher's grouping (no corpus needed) is the bucketed one."""
    rng = np.random.default_rng(9)
    base = unit(rng.standard_normal(DIM))
    one = add_article(db, "one", [("first", base, None)], settings)
    two = add_article(db, "two", [("second", near(base, 0.92, rng), None)], settings)
    assert matcher.group_duplicates(db, one, settings) == 0
    assert matcher.group_duplicates(db, two, settings) == 1
    assert store.groups(db)[two[0]] == one[0]
