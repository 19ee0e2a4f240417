"""Quantities: values, units, what they count, and what is not a quantity."""

from __future__ import annotations

import pytest

from factcheck.extract import quantities
from factcheck.extract.quantities import find_quantities


def only(sentence: str) -> dict:
    found = find_quantities(sentence)
    assert len(found) == 1, found
    return found[0]


def test_a_count_with_the_noun_it_counts():
    q = only(
        "Tajikistan ordered the mobilization of 20,000 military reservists to bolster the border."
    )
    assert {k: q[k] for k in ("text", "value", "unit", "counts")} == {
        "text": "20,000 military reservists",
        "value": 20000,
        "unit": None,
        "counts": "military reservists",
    }


def test_a_percentage_counts_what_follows_of():
    q = only("The US military said it had withdrawn more than 90% of its troops and equipment.")
    assert (q["text"], q["value"], q["unit"], q["counts"], q["qualifier"]) == (
        "90%",
        90,
        "percent",
        "troops and equipment",
        "more than",
    )


def test_both_numbers_of_a_part_of_a_whole_count_the_same_thing():
    found = find_quantities("They took more than 100 of Afghanistan’s 419 district centers so far.")
    assert [(q["value"], q["counts"]) for q in found] == [
        (100, "district centers"),
        (419, "district centers"),
    ]
    assert found[0]["qualifier"] == "more than"


@pytest.mark.parametrize(
    "sentence, text, value, counts",
    [
        (
            "The Pentagon has flown approximately 980 loads of material out of the country.",
            "980 loads of material",
            980,
            "loads of material",
        ),
        (
            "Approximately 17,000 pieces of equipment were handed over.",
            "17,000 pieces of equipment",
            17000,
            "pieces of equipment",
        ),
        (
            "Two MI-24 attack helicopters had taken part.",
            "Two MI-24 attack helicopters",
            2,
            "MI-24 attack helicopters",
        ),
    ],
)
def test_measure_words_and_word_numbers(sentence, text, value, counts):
    q = only(sentence)
    assert (q["text"], q["value"], q["counts"]) == (text, value, counts)


def test_money_scales_and_decimals():
    found = find_quantities(
        "The economy grew 2.5 percent while $1.5 billion was spent on 3 million doses."
    )
    assert [(q["value"], q["unit"]) for q in found] == [
        (2.5, "percent"),
        (1_500_000_000, "USD"),
        (3_000_000, None),
    ]
    assert found[2]["counts"] == "doses"


@pytest.mark.parametrize(
    "sentence",
    [
        "The deal was signed in Doha in 2020.",
        "It happened on July 7, 2021 at 10:30 GMT.",
        "COVID-19 reached the MI-24 base.",
        "It was the 21st attack.",
        "It peaked in the 1990s.",
    ],
)
def test_dates_times_ordinals_and_model_numbers_are_not_quantities(sentence):
    assert find_quantities(sentence) == []


def test_measures_have_units_and_count_nothing_unless_of_follows():
    found = find_quantities(
        "In 2023 the world was 1.45 °C warmer and added 510 gigawatts of solar capacity."
    )
    assert [(q["text"], q["unit"], q["counts"]) for q in found] == [
        ("1.45 °C", "°C", None),
        ("510 gigawatts", "GW", "solar capacity"),
    ]


def test_a_year_before_a_verb_is_a_date():
    assert find_quantities("Agencies agree that 2023 was the hottest year.") == []


def test_a_verb_before_over_is_not_a_qualifier():
    q = only(
        "The military had officially handed over seven facilities to the Afghan Defense Ministry."
    )
    assert (q["value"], q["counts"], q["qualifier"]) == (7, "facilities", None)


def test_the_counted_phrase_stops_at_verbs_and_prepositions():
    found = find_quantities("About 2000 troops left and 250,000 jobs added in 17 years.")
    assert [(q["value"], q["counts"], q["unit"]) for q in found] == [
        (2000, "troops", None),
        (250000, "jobs", None),
        (17, None, "years"),
    ]


def test_offsets_point_at_the_quantity_text():
    sentence = "Up to 70% of the Tajik-Afghan border and 15 ground targets were hit."
    for q in find_quantities(sentence):
        assert sentence[q["start"] : q["end"]] == q["text"]


def test_each_number_reads_a_bounded_window_so_long_sentences_stay_linear(monkeypatch):
    """An 80 KB sentence of numbers once took 54 s: each number re-read every word after it."""
    real = quantities._WORD
    read = {"words": 0}

    class CountingWords:
        def finditer(self, text, position=0):
            for match in real.finditer(text, position):
                read["words"] += 1
                yield match

    monkeypatch.setattr(quantities, "_WORD", CountingWords())
    sentence = " ".join(f"{n} troops" for n in range(100, 2100))
    found = quantities.find_quantities(sentence)
    assert len(found) == 2000
    assert found[-1]["text"] == "2099 troops"
    assert read["words"] <= 50 * len(found)  # reading the rest of the sentence: ~4 million
