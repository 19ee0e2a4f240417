"""Claim extraction on the seed article: what a checker wants, what must never be a claim."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck.errors import ConfigError, InputError, ModelError
from factcheck.extract.checkworthiness import load_scorer
from factcheck.extract.claims import extract, score_sentences

THRESHOLD = 0.5


@pytest.fixture
def seed_text(seed_article) -> str:
    return seed_article.read_text(encoding="utf-8")


@pytest.fixture
def claims(seed_text):
    return extract(seed_text, threshold=THRESHOLD)


def sentence_with(claims, phrase: str):
    found = [c for c in claims if phrase in c.text]
    assert len(found) == 1, f"{len(found)} sentences contain {phrase!r}"
    return found[0]


def quantity(claim, value) -> dict:
    found = [q for q in claim.quantities if q["value"] == value]
    assert found, f"no quantity {value} in {claim.quantities}"
    return found[0]


class RecordingScorer:
    """The real scorer, with a record of what it was asked to score."""

    def __init__(self):
        self.scorer = load_scorer()
        self.calls: list[list[str]] = []

    def score(self, texts):
        self.calls.append(list(texts))
        return self.scorer.score(texts)


# --- what a checker wants ---------------------------------------------------------------


@pytest.mark.shared
def test_district_centers_figure_attributed_to_the_pentagon(claims):
    claim = sentence_with(claims, "419 district centers")
    assert claim.check_worthy
    assert (claim.speaker, claim.attribution) == ("the Pentagon", "according to")
    assert quantity(claim, 100)["counts"] == "district centers"
    assert quantity(claim, 100)["qualifier"] == "more than"
    assert quantity(claim, 419)["counts"] == "district centers"
    assert claim.claim_type == "statistic"


@pytest.mark.shared
def test_reservists(claims):
    claim = sentence_with(claims, "20,000 military reservists")
    assert claim.check_worthy
    q = quantity(claim, 20000)
    assert (q["text"], q["unit"], q["counts"]) == (
        "20,000 military reservists",
        None,
        "military reservists",
    )
    assert "Tajikistan" in [e["text"] for e in claim.entities]


@pytest.mark.shared
def test_border_share_attributed_to_rudenko(claims):
    claim = sentence_with(claims, "70% of the Tajik-Afghan border")
    assert claim.check_worthy
    assert claim.speaker == "Andrei Rudenko"
    assert claim.attribution == "quoted ... as saying"
    q = quantity(claim, 70)
    assert (q["unit"], q["qualifier"], q["counts"]) == ("percent", "up to", "Tajik-Afghan border")


@pytest.mark.shared
def test_us_withdrawal_attributed_to_the_us_military(claims):
    claim = sentence_with(claims, "withdrawn more than 90%")
    assert claim.check_worthy
    assert (claim.speaker, claim.attribution) == ("the US military", "said")
    q = quantity(claim, 90)
    assert (q["text"], q["unit"], q["counts"], q["qualifier"]) == (
        "90%",
        "percent",
        "troops and equipment",
        "more than",
    )
    assert claim.claim_type == "statistic"


@pytest.mark.shared
def test_loads_and_pieces_of_equipment(claims):
    loads = sentence_with(claims, "980 loads")
    pieces = sentence_with(claims, "17,000 pieces of equipment")
    assert loads.check_worthy and pieces.check_worthy
    assert "loads" in quantity(loads, 980)["counts"]
    assert quantity(pieces, 17000)["counts"] == "pieces of equipment"
    assert loads.speaker == "the US Central Command"  # "..., it said." after its statement


@pytest.mark.shared
def test_consulate_closure_in_mazar_i_sharif(claims):
    claim = sentence_with(claims, "close its consulate")
    assert claim.check_worthy
    entities = {(e["text"], e["label"]) for e in claim.entities}
    assert {("Moscow", "GPE"), ("Mazar-i-Sharif", "GPE")} <= entities
    assert claim.claim_type in ("event", "causal")


@pytest.mark.shared
def test_quotes_are_attributed_across_sentences(claims):
    for phrase in ("There is war, there is pressure", "Sometimes things are working our way"):
        claim = sentence_with(claims, phrase)
        assert claim.speaker == "Hamdullah Mohib"
        assert claim.claim_type == "quote"
    assert (
        sentence_with(claims, "They were unable to achieve visible results").speaker
        == "Sergei Lavrov"
    )


# --- what must never be a claim ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Back to top button", "navigation"),
        ("AfghanistanAsia-PacificNorth America", "navigation"),
        (
            "Afghan govt. vows to retake territory from Taliban, US pulls out 90% of troops, equipment",
            "heading",
        ),
        ("Russia drills attacking armed groups in Tajikistan base", "heading"),
        ("US withdrawal 90% complete", "heading"),
        ("Taliban attack provincial capital of Badghis", "heading"),
        ("Russian FM warns about situation in Afghanistan", "heading"),
    ],
)
@pytest.mark.shared
def test_page_furniture_is_kept_but_never_a_claim(claims, text, kind):
    found = [c for c in claims if c.text.replace("\u00a0", " ") == text]
    assert len(found) == 1
    claim = found[0]
    assert (claim.score, claim.check_worthy, claim.reasons) == (0.0, False, [kind])


@pytest.mark.shared
def test_furniture_is_never_a_claim_even_at_threshold_zero(seed_text):
    claims = extract(seed_text, threshold=0.0)
    furniture = [c for c in claims if c.claim_type is None]
    assert len(furniture) == 7
    assert not any(c.check_worthy for c in furniture)
    assert all(c.check_worthy for c in claims if c.claim_type is not None)


# --- the shape of the output ------------------------------------------------------------


@pytest.mark.shared
def test_every_sentence_has_exact_offsets_in_order(seed_text, claims):
    assert [c.sentence_index for c in claims] == list(range(len(claims)))
    for claim in claims:
        assert seed_text[claim.start : claim.end] == claim.text
    assert all(a.end <= b.start for a, b in zip(claims, claims[1:]))
    covered = "".join(seed_text[c.start : c.end] for c in claims)
    assert "".join(covered.split()) == "".join(seed_text.split())


@pytest.mark.shared
def test_every_sentence_is_scored_and_explained(claims):
    for claim in claims:
        assert 0.0 <= claim.score <= 1.0
        assert claim.check_worthy == (claim.claim_type is not None and claim.score >= THRESHOLD)
        assert claim.reasons
    claim = sentence_with(claims, "419 district centers")
    assert claim.reasons[0].startswith("model score ")
    assert "attributed to: the Pentagon (according to)" in claim.reasons
    assert any(r.startswith("quantity: more than 100") for r in claim.reasons)
    assert any(r.startswith("entities: ") and "Pentagon" in r for r in claim.reasons)
    assert "claim type: statistic" in claim.reasons


@pytest.mark.shared
def test_claim_types_come_from_the_known_list(claims):
    from factcheck.types import CLAIM_TYPES

    assert {c.claim_type for c in claims if c.claim_type} <= set(CLAIM_TYPES)


@pytest.mark.shared
def test_context_is_the_sentences_before_and_after(claims):
    claim = sentence_with(claims, "20,000 military reservists")
    assert "hundreds of Afghan troops had crossed" in claim.context
    assert "Tajikistan’s ally, Russia" in claim.context
    assert claim.text not in claim.context


@pytest.mark.shared
@pytest.mark.model
def test_the_model_scores_all_sentences_of_an_article_in_one_call(seed_text):
    scorer = RecordingScorer()
    claims = extract(seed_text, threshold=THRESHOLD, scorer=scorer)
    assert len(scorer.calls) == 1
    sentences = [c for c in claims if c.claim_type is not None]
    assert scorer.calls[0] == [c.text for c in sentences]
    model = scorer.scorer.score(scorer.calls[0])
    for claim, model_score in zip(sentences, model):
        assert claim.score == pytest.approx(float(model_score), abs=1e-6)  # no rule floors
        assert claim.reasons[0] == f"model score {float(model_score):.2f}"


# --- bad input changes nothing -----------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t  ", None, b"bytes"])
def test_empty_or_non_text_input_is_refused(text):
    with pytest.raises(InputError):
        extract(text, threshold=THRESHOLD)


@pytest.mark.parametrize("threshold", [-0.1, 1.5, "0.5", None, True])
def test_a_bad_threshold_is_refused(threshold):
    with pytest.raises(ConfigError, match="threshold"):
        extract("The talks failed on Monday.", threshold=threshold)


def test_a_scorer_giving_the_wrong_number_of_scores_is_an_error():
    class ShortScorer:
        def score(self, texts):
            return np.zeros(len(texts) - 1)

    with pytest.raises(ModelError, match="2 sentences"):
        extract("The talks failed. The army left.", threshold=THRESHOLD, scorer=ShortScorer())


def test_reasons_never_claim_a_raise_the_rules_did_not_make():
    class ZeroScorer:
        def score(self, texts):
            return np.zeros(len(texts))

    plain, figure = score_sentences(
        ["Thank you all for coming tonight.", "Unemployment fell to 3.5 percent in 2019."],
        threshold=THRESHOLD,
        scorer=ZeroScorer(),
    )
    assert plain.score == figure.score == 0.0  # the model's score: no floor for a body sentence
    assert not any(reason.endswith(": ") for reason in plain.reasons)
    assert not any("raise" in reason for reason in plain.reasons + figure.reasons)
    assert any(
        r.startswith("claim signals: quantity") and "not added to the score" in r
        for r in figure.reasons
    )


# --- stand-alone sentences ---------------------------------------------------------------


def test_score_sentences_scores_each_line_on_its_own():
    lines = [
        "Tajikistan ordered the mobilization of 20,000 military reservists.",
        "Back to top button",
        "“It is over,” he said.",
    ]
    results = score_sentences(lines, threshold=THRESHOLD)
    assert [r.text for r in results] == lines
    assert [r.sentence_index for r in results] == [0, 1, 2]
    assert results[0].quantities[0]["value"] == 20000
    assert (results[1].score, results[1].reasons, results[1].check_worthy) == (
        0.0,
        ["navigation"],
        False,
    )
    assert results[2].speaker is None  # nothing earlier to resolve "he" to


@pytest.mark.parametrize("lines", [["fine sentence.", ""], ["fine sentence.", 3]])
def test_score_sentences_refuses_empty_or_non_text_lines(lines):
    with pytest.raises(InputError, match="sentence 2"):
        score_sentences(lines, threshold=THRESHOLD)


def test_a_text_over_the_sentence_limit_is_refused_at_once(monkeypatch):
    from factcheck.extract import claims as claims_module

    monkeypatch.setattr(claims_module, "MAX_SENTENCES", 5)
    monkeypatch.setattr(claims_module, "find_entities", pytest.fail)  # refused before parsing
    text = " ".join(f"Crime rose by {n} percent in district {n}." for n in range(6))
    with pytest.raises(InputError, match="the text has 6 sentences and lines; at most 5 are read"):
        extract(text, threshold=0.5, scorer=RecordingScorer())


def test_a_long_sentence_is_stored_and_scored_but_not_parsed(monkeypatch):
    """An 80 KB sentence took 54 s in the figure parser; now the parsers skip it, saying so."""
    from factcheck.extract import claims as claims_module

    monkeypatch.setattr(claims_module, "MAX_PARSED_CHARS", 100)
    parsed: list[str] = []
    real = claims_module.find_quantities
    monkeypatch.setattr(claims_module, "find_quantities", lambda s: parsed.append(s) or real(s))
    long = "Officials said that " + " and ".join(f"{n} troops left" for n in range(40)) + "."
    short = "Unemployment fell to 4.1% in March, the statistics office said."
    scorer = RecordingScorer()
    first, second = extract(f"{long} {short}", threshold=0.5, scorer=scorer)
    assert len(long) > 100 and first.text == long and parsed == [short]
    assert first.quantities == [] and first.entities == [] and first.speaker is None
    assert first.claim_type is not None  # still a sentence, scored by the model
    assert any(
        r.startswith(f"long sentence ({len(long):,} characters, over 100)") for r in first.reasons
    )
    assert second.quantities and not any(r.startswith("long sentence") for r in second.reasons)
