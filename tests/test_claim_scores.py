"""How a sentence's stored score combines the model with what a transcript says (no rule floors)."""

from __future__ import annotations

import json
import zlib

import numpy as np
import pytest

from factcheck.errors import ConfigError, ModelError
from factcheck.extract import claims as claims_module
from factcheck.extract import debate_scores
from factcheck.extract.claims import score_claims, score_sentences
from factcheck.research import fit_claim_scores as fit

THRESHOLD = 0.5

VARIED = [
    "Thank you all for coming tonight.",
    "Unemployment fell to 3.5 percent in 2019.",
    "Good evening from Boca Raton, Florida.",
    "The Senate passed the bill 52 to 48 on Tuesday.",
    "I think we can do better than this.",
    "What would you do about the deficit?",
    "Exports to China doubled between 2010 and 2016.",
    "We will make this country great again.",
    "Crime in Chicago rose by 40 percent last year.",
    "Let's turn to foreign policy.",
    "My opponent voted for the war in Iraq.",
    "The plan costs $1.2 trillion over ten years.",
]


class TableScorer:
    """A fake model: each text's score is looked up (distinct, spread over (0, 1))."""

    def __init__(self, scores: dict[str, float]):
        self.table = scores

    def score(self, texts):
        return np.array([self.table[t] for t in texts])

    def embed(self, texts):
        """A fixed unit vector per text (the transcript model's embedding input)."""
        rows = [np.random.default_rng(zlib.crc32(t.encode())).normal(size=384) for t in texts]
        return np.array([r / np.linalg.norm(r) for r in rows])


def spread_scorer(texts) -> TableScorer:
    values = np.linspace(0.02, 0.98, len(texts))
    return TableScorer(dict(zip(texts, values)))


def transcript_scores(texts, scorer, role):
    claims = score_sentences(texts, threshold=THRESHOLD, scorer=scorer)
    for claim in claims:
        claim.turn, claim.speaker_role, claim.speaker = 0, role, "SPEAKER"
    score_claims(claims, threshold=THRESHOLD, scorer=scorer)
    return claims


def test_plain_text_keeps_the_model_score_with_no_floors():
    scorer = spread_scorer(VARIED)
    claims = score_sentences(VARIED, threshold=THRESHOLD, scorer=scorer)
    stored = [c.score for c in claims]
    assert stored == pytest.approx([scorer.table[t] for t in VARIED], abs=1e-6)
    assert len(set(stored)) == len(VARIED)  # nothing tied to a floor value
    for claim in claims:
        assert claim.check_worthy == (claim.score >= THRESHOLD)


def test_a_zero_model_score_is_not_raised_by_the_rules():
    scorer = TableScorer(dict.fromkeys(VARIED, 0.0))
    claims = score_sentences(VARIED, threshold=THRESHOLD, scorer=scorer)
    assert all(c.score < 1e-4 and not c.check_worthy for c in claims)
    figure = claims[1]  # "Unemployment fell to 3.5 percent in 2019."
    signals = [r for r in figure.reasons if r.startswith("claim signals: ")]
    assert signals and "quantity" in signals[0] and "not added to the score" in signals[0]
    assert not any("raise" in r or "lower" in r for c in claims for r in c.reasons)


@pytest.mark.parametrize("role", ["moderator", "candidate", None])
def test_in_a_transcript_the_score_is_monotone_in_the_model_score(role):
    scorer = spread_scorer(VARIED)
    before = [c.score for c in transcript_scores(VARIED, scorer, role)]
    assert len(set(before)) == len(VARIED)  # no ties
    for index, text in enumerate(VARIED):
        raised = TableScorer({**scorer.table, text: min(scorer.table[text] + 0.3, 0.999)})
        after = [c.score for c in transcript_scores(VARIED, raised, role)]
        assert after[index] > before[index]  # a higher model score, all else equal
        others = [i for i in range(len(VARIED)) if i != index]
        assert [after[i] for i in others] == pytest.approx([before[i] for i in others])


def speaker_move(claim) -> float:
    line = next(r for r in claim.reasons if r.startswith("speaker (role"))
    size = float(line.rsplit(" by ", 1)[1].split()[0])
    return size if "raised" in line else -size


def test_a_moderator_question_scores_below_the_same_words_from_a_candidate():
    question = "Senator Sanders, you voted against the Brady bill five times, didn't you?"
    scorer = TableScorer({question: 0.99})
    moderator = transcript_scores([question], scorer, "moderator")[0]
    candidate = transcript_scores([question], scorer, "candidate")[0]
    audience = transcript_scores([question], scorer, "audience")[0]
    assert moderator.score < candidate.score and audience.score < candidate.score
    assert speaker_move(moderator) < speaker_move(candidate)
    assert any(r.startswith("question: ") for r in moderator.reasons)


def test_a_speaker_who_mostly_asks_is_read_as_a_moderator():
    asked = [f"What would you do about problem number {n}?" for n in range(12)]
    stated = [f"Exports to country {n} doubled between 2010 and 2016." for n in range(12)]
    claims = score_sentences([*asked, *stated], threshold=THRESHOLD)
    for position, claim in enumerate(claims):
        claim.turn, claim.speaker = position, ("HOST" if position < 12 else "CANDIDATE")
    table = debate_scores.features(claims, np.zeros(len(claims)))
    moderator = table[:, debate_scores.FEATURES.index("moderator")]
    assert moderator.tolist() == [1.0] * 12 + [0.0] * 12


def test_transcript_reasons_say_what_moved_the_score():
    text = "Exports to China doubled between 2010 and 2016."
    scorer = TableScorer({text: 0.2})
    claim = transcript_scores([text], scorer, "candidate")[0]
    moves = debate_scores.adjustments([claim], np.array([np.log(0.2 / 0.8)]), scorer)[0]
    assert claim.reasons[0] == "model score 0.20"
    for label, delta in moves:
        verb = "raised" if delta > 0 else "lowered"
        assert f"{label}: {verb} by {abs(delta):.1f} log-odds" in claim.reasons
    expected = 1 / (1 + np.exp(-(np.log(0.2 / 0.8) + sum(d for _, d in moves))))
    assert claim.score == pytest.approx(expected, abs=1e-6)
    assert f"score {claim.score:.2f}" in claim.reasons


class StandInEmbedder(TableScorer):
    def embed(self, texts):
        return np.ones((len(texts), 64))


def test_a_stand_in_embedder_leaves_the_topic_out_and_says_so():
    text = "Exports to China doubled between 2010 and 2016."
    claim = transcript_scores([text], StandInEmbedder({text: 0.2}), "candidate")[0]
    assert not any(r.startswith("topic") for r in claim.reasons)
    assert any("(no sentence embedding)" in r for r in claim.reasons)


def test_the_shipped_combination_says_how_it_was_fitted():
    data = json.loads(fit.COMBINATION_FILE.read_text(encoding="utf-8"))
    assert "2B train" in data["fitted_on"] and data["how"]
    weights = fit.load_combination()["role_weights"]
    assert set(weights) == set(fit.LOWERED_ROLES)
    assert all(w < 0 for w in weights.values())
    learned = data["transcript_model"]
    assert learned["file"] == debate_scores.MODEL_FILE.name and "5-fold CV" in learned["how"]
    assert 0 < learned["cv_flagged"] <= 0.41 and 0 < learned["cv_recall"] <= 1
    model = debate_scores.load_model()
    assert model["weights"][0] > 0  # monotone in the model's log-odds


def test_an_unusable_transcript_model_is_a_model_error(tmp_path, monkeypatch):
    broken = tmp_path / "debate_claims.npz"
    broken.write_bytes(b"not an archive")
    monkeypatch.setattr(debate_scores, "MODEL_FILE", broken)
    debate_scores.load_model.cache_clear()
    try:
        with pytest.raises(ModelError, match="fit_claim_scores"):
            transcript_scores(["The talks failed."], spread_scorer(["The talks failed."]), None)
    finally:
        debate_scores.load_model.cache_clear()


def test_an_unusable_combination_file_is_a_model_error(tmp_path, monkeypatch):
    broken = tmp_path / "claim_scores.json"
    broken.write_text('{"role_weights": {}}', encoding="utf-8")
    monkeypatch.setattr(fit, "COMBINATION_FILE", broken)
    with pytest.raises(ModelError, match="fit_claim_scores"):
        fit.load_combination()


def test_plain_text_scores_are_the_models_whatever_the_combination_file_says(tmp_path, monkeypatch):
    """The app no longer reads data/claim_scores.json: an article's score is the model's."""
    monkeypatch.setattr(fit, "COMBINATION_FILE", tmp_path / "missing.json")
    scorer = spread_scorer(VARIED)
    claims = score_sentences(VARIED, threshold=THRESHOLD, scorer=scorer)
    assert [c.score for c in claims] == pytest.approx([scorer.table[t] for t in VARIED])


def test_offset_logistic_regression_recovers_a_known_weight():
    random = np.random.default_rng(0)
    offset = random.normal(0, 2, 20000)
    feature = (random.random(20000) < 0.3).astype(float)[:, None]
    truth = offset - 1.0 - 2.0 * feature[:, 0]
    labels = (random.random(20000) < 1 / (1 + np.exp(-truth))).astype(float)
    weights, bias = fit.fit_offset_logistic(offset, feature, labels, l2=0.0)
    assert weights[0] == pytest.approx(-2.0, abs=0.15) and bias == pytest.approx(-1.0, abs=0.1)


def test_the_transcript_model_fit_flags_the_workload_and_follows_the_model():
    random = np.random.default_rng(0)
    n, groups = 6000, np.repeat([f"t{i}" for i in range(10)], 600)
    features = np.zeros((n, len(debate_scores.FEATURES)))
    features[:, 0] = random.normal(-3, 2, n)  # the model's log-odds
    features[:, 1] = random.random(n) < 0.2  # moderator
    truth = features[:, 0] - 2.0 * features[:, 1]
    labels = (random.random(n) < 1 / (1 + np.exp(-truth))).astype(float)
    vectors = random.normal(size=(n, 384))
    table = fit.TranscriptTable(features, vectors, labels, groups)
    model = fit.fit_transcript_model(table)
    flagged = fit.transcript_log_odds(model, table) >= 0
    assert flagged.mean() == pytest.approx(fit.WORKLOAD, abs=0.01)
    assert model["weights"][0] > 0 and model["weights"][1] < 0
    figures = fit.cross_validate(table)
    assert figures["cv_recall"] > flagged.mean() and 0 < figures["cv_ap"] <= 1


@pytest.mark.shared
def test_debates_load_with_checked_sentences_and_roles(shared_data):
    rows = fit.load_debates(shared_data / "checkthat2021-2b")
    checked = [r for r in rows if r.checked]
    assert len(checked) == 591  # the distinct query sentences, each placed in its transcript
    splits = {}
    for row in rows:
        splits.setdefault(row.transcript, set()).add(row.split)
    assert all(len(s) == 1 for s in splits.values())  # a transcript is train or dev, not both
    assert {r.split for r in rows} == {"train", "dev"}
    schieffer = {r.role for r in rows if r.speaker == "MR. SCHIEFFER"}
    assert schieffer == {"moderator"}
    assert {r.role for r in rows if r.speaker == "SYSTEM"} == {None}


@pytest.mark.model
@pytest.mark.parametrize("role", ["moderator", "candidate"])
def test_greetings_and_bare_questions_in_a_debate_are_not_claims_but_a_stated_fact_is(role):
    not_claims = [
        "Thank you, Senator.",
        "Good evening and welcome to the debate.",
        "Let's turn to foreign policy.",
        "Secretary Clinton, what would you do about the deficit?",
    ]
    fact = "Senator, you voted for the war in 2002, didn't you?"
    claims = score_sentences([*not_claims, fact], threshold=THRESHOLD)
    for claim in claims:
        claim.turn, claim.speaker_role, claim.speaker = 0, role, "SPEAKER"
    score_claims(claims, threshold=THRESHOLD)
    assert [c.check_worthy for c in claims] == [False] * len(not_claims) + [True]


def test_a_transcript_flags_at_most_its_workload_share_highest_scores_kept():
    """The learned score flagged 93% of a single-speaker speech; a checker gets at most 40%."""
    texts = [f"Exports to country {n} doubled between 2010 and 2016." for n in range(40)]
    scorer = TableScorer(dict(zip(texts, np.linspace(0.90, 0.99, len(texts)))))
    claims = transcript_scores(texts, scorer, "candidate")
    assert all(c.score >= THRESHOLD for c in claims)  # every one over the threshold ...
    flagged = [c for c in claims if c.check_worthy]
    assert len(flagged) == int(claims_module.TRANSCRIPT_MAX_SHARE * len(texts)) == 16
    assert min(c.score for c in flagged) > max(c.score for c in claims if not c.check_worthy)
    for claim in claims:
        capped = [r for r in claim.reasons if r.startswith("over the transcript's workload cap")]
        assert bool(capped) == (not claim.check_worthy)


def test_a_short_transcript_keeps_its_claims_under_the_cap():
    texts = [f"Exports to country {n} doubled between 2010 and 2016." for n in range(4)]
    scorer = TableScorer(dict(zip(texts, np.linspace(0.90, 0.99, len(texts)))))
    assert all(c.check_worthy for c in transcript_scores(texts, scorer, "candidate"))


def test_the_workload_cap_leaves_articles_alone():
    texts = [f"Exports to country {n} doubled between 2010 and 2016." for n in range(10)]
    scorer = TableScorer(dict(zip(texts, np.linspace(0.90, 0.99, len(texts)))))
    claims = score_sentences(texts, threshold=THRESHOLD, scorer=scorer)
    assert all(c.check_worthy for c in claims)


@pytest.mark.parametrize("workload, flagged", [(0.25, 25), (0.6, 60), (1.0, 100)])
def test_the_desk_sets_the_transcript_workload(workload, flagged):
    texts = [f"Exports to country {n} doubled between 2010 and 2016." for n in range(100)]
    scorer = TableScorer(dict(zip(texts, np.linspace(0.90, 0.99, len(texts)))))
    claims = score_sentences(texts, threshold=THRESHOLD, scorer=scorer)
    for claim in claims:
        claim.turn, claim.speaker_role, claim.speaker = 0, "candidate", "SPEAKER"
    score_claims(claims, threshold=THRESHOLD, scorer=scorer, workload=workload)
    kept = [c for c in claims if c.check_worthy]
    assert len(kept) == flagged
    assert min(c.score for c in kept) >= max(
        (c.score for c in claims if not c.check_worthy), default=0
    )
    capped = [r for c in claims for r in c.reasons if "workload" in r]
    assert len(capped) == 100 - flagged and all(f"at most {workload:.0%}" in r for r in capped)


@pytest.mark.parametrize("workload", [0.0, -0.1, 1.5])
def test_a_workload_outside_0_to_1_is_refused(workload):
    claims = score_sentences(
        ["The talks failed."], threshold=THRESHOLD, scorer=spread_scorer(["The talks failed."])
    )
    with pytest.raises(ConfigError, match="workload"):
        score_claims(
            claims,
            threshold=THRESHOLD,
            scorer=spread_scorer(["The talks failed."]),
            workload=workload,
        )


def test_a_speaker_who_mostly_asks_is_stored_as_the_moderator_and_the_reason_says_so():
    asks = [f"Senator, what would you do about problem number {n}?" for n in range(12)]
    says = [f"Exports to country {n} doubled between 2010 and 2016." for n in range(12)]
    texts = [t for pair in zip(asks, says) for t in pair]
    scorer = spread_scorer(texts)
    claims = score_sentences(texts, threshold=THRESHOLD, scorer=scorer)
    for turn, claim in enumerate(claims):
        claim.turn, claim.speaker_role = turn, None
        claim.speaker = "BLITZER" if claim.text in asks else "SANDERS"
    claims[-1].speaker_role = "candidate"  # a role the transcript gives is kept
    score_claims(claims, threshold=THRESHOLD, scorer=scorer)
    assert {c.speaker_role for c in claims if c.speaker == "BLITZER"} == {"moderator"}
    assert {c.speaker_role for c in claims[:-1] if c.speaker == "SANDERS"} == {None}
    assert claims[-1].speaker_role == "candidate"
    moderator = next(c for c in claims if c.speaker == "BLITZER")
    assert (
        "role inferred: moderator (100% of their 12 sentences are questions)" in moderator.reasons
    )
