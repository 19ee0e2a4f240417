"""Speaker attribution, resolved across the sentences of an article."""

from __future__ import annotations

from factcheck.extract.attribution import attribute
from factcheck.extract.entities import Vocabulary, find_entities, relabel_people


def speakers(*sentences: str) -> list[tuple[str | None, str | None]]:
    vocabulary = Vocabulary.from_sentences(list(sentences))
    entity_lists = [find_entities(s, vocabulary) for s in sentences]
    vocabulary.learn_people(entity_lists)
    relabel_people(entity_lists, vocabulary)
    return [(a.speaker, a.cue) for a in attribute(list(sentences), entity_lists, vocabulary)]


def test_according_to():
    assert speakers(
        "The militants took more than 100 districts, according to the Pentagon, so far."
    ) == [("the Pentagon", "according to")]


def test_a_subject_after_an_opening_phrase():
    assert speakers(
        "On Tuesday, the US military said it had withdrawn more than 90% of its troops."
    ) == [("the US military", "said")]


def test_a_surname_resolves_to_the_full_name_given_earlier():
    found = speakers(
        "Russia’s Deputy Foreign Minister Andrei Rudenko said on Monday that the border was tense.",
        "“According to some sources, up to 70% of the border is controlled by the Taliban,” "
        "Rudenko was quoted by the Interfax news agency as saying.",
    )
    assert found == [("Andrei Rudenko", "said"), ("Andrei Rudenko", "quoted ... as saying")]


def test_he_resolves_to_the_most_recent_named_person_across_a_long_quote():
    found = speakers(
        "Afghan National Security Adviser Hamdullah Mohib said on Tuesday that Kabul had plans.",
        "“There is war, there is pressure.",
        "Sometimes things are working our way.",
        "Sometimes they don’t, but we will continue,” he said.",
    )
    assert [speaker for speaker, _ in found] == ["Hamdullah Mohib"] * 4


def test_a_speaker_after_the_quote():
    found = speakers(
        "“Fighting continues in the city,” said Badghis provincial council member Zia Gul Habibi."
    )
    assert found == [("Zia Gul Habibi", "said")]


def test_it_resolves_to_the_organisation_that_spoke_last():
    found = speakers(
        "The US Central Command said in a statement that seven facilities were handed over.",
        "The Pentagon has also flown approximately 980 loads of material out of the country, it said.",
    )
    assert found == [("the US Central Command", "said"), ("the US Central Command", "said")]


def test_the_agency_resolves_to_the_organisation_that_spoke_last():
    found = speakers(
        "The International Energy Agency reported that 510 gigawatts were added in 2023.",
        "Solar accounted for three-quarters of those additions, the agency said.",
    )
    assert [s for s, _ in found] == ["the International Energy Agency"] * 2


def test_according_to_at_the_start_of_a_sentence():
    assert speakers("According to the Copernicus Climate Change Service, the year was warmer.") == [
        ("the Copernicus Climate Change Service", "according to")
    ]


def test_a_role_noun_resolves_to_the_most_recent_person():
    found = speakers(
        "Russian Foreign Minister Sergei Lavrov has warned about the situation in Afghanistan.",
        "The diplomat said Russia was ready to use its military base in Tajikistan.",
    )
    assert found == [("Sergei Lavrov", "warned"), ("Sergei Lavrov", "said")]


def test_words_inside_quotation_marks_are_not_attributions():
    found = speakers("Officials repeated “what the minister said” about the border.")
    assert found == [(None, None)]


def test_a_sentence_without_a_source_has_no_speaker():
    assert speakers("The United States has been at war in Afghanistan for nearly 20 years.") == [
        (None, None)
    ]


def test_an_unresolvable_pronoun_gives_no_speaker():
    assert speakers("“It is over,” he said.") == [(None, None)]


def test_the_writers_own_voice_has_no_named_speaker():
    found = speakers(
        "Can I say that the plan failed?",
        "I'd say that the US economy grew.",
        "We're told the talks failed.",
        "Let me just say it worked.",
    )
    assert found == [(None, None)] * 4


def test_a_noun_that_looks_like_a_verb_after_a_preposition_is_no_speaker():
    assert speakers("In the first two job reports since then, we added 500,000 jobs.") == [
        (None, None)
    ]


def test_us_the_country_is_not_us_the_pronoun():
    assert speakers("The US Treasury said the deficit fell.") == [("the US Treasury", "said")]
