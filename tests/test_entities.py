"""Named entities by rule: titles, organisations, places, and surnames resolved per article."""

from __future__ import annotations

from factcheck.extract.entities import Vocabulary, find_entities, relabel_people


def labelled(sentence: str, vocabulary: Vocabulary | None = None) -> list[tuple[str, str]]:
    return [(e["text"], e["label"]) for e in find_entities(sentence, vocabulary)]


def test_a_title_marks_the_name_after_it_as_a_person():
    found = labelled(
        "Russia’s Deputy Foreign Minister Andrei Rudenko said on Monday that it was tense."
    )
    assert ("Andrei Rudenko", "PERSON") in found
    assert ("Russia", "GPE") in found
    assert not any("Minister" in text for text, _ in found)


def test_a_role_noun_before_a_name_marks_a_person():
    found = labelled("It was said by Badghis provincial council member Zia Gul Habibi.")
    assert ("Zia Gul Habibi", "PERSON") in found
    assert ("Badghis", "GPE") in found


def test_organisations_by_their_words_and_by_the_gazetteer():
    found = labelled(
        "The US Central Command said the Pentagon and the Defense Logistics Agency "
        "met the National Directorate of Security and CNN."
    )
    assert [f for f in found if f[1] == "ORG"] == [
        ("US Central Command", "ORG"),
        ("Pentagon", "ORG"),
        ("Defense Logistics Agency", "ORG"),
        ("National Directorate of Security", "ORG"),
        ("CNN", "ORG"),
    ]


def test_places_from_the_gazetteer_and_from_context():
    found = labelled(
        "Fighters reached Kabul, the provinces of Takhar and Badakhshan, "
        "and the western city of Qala-i-Naw near Uzbekistan."
    )
    places = [text for text, label in found if label == "GPE"]
    assert places == ["Kabul", "Takhar", "Badakhshan", "Qala-i-Naw", "Uzbekistan"]


def test_a_capital_that_only_opens_the_sentence_is_no_entity():
    assert labelled("Sometimes things are working our way.") == []
    assert labelled("On Tuesday, the government deployed commandos.") == [("Tuesday", "DATE")]


def test_a_surname_is_labelled_as_the_article_person():
    sentences = [
        "Russian Foreign Minister Sergei Lavrov warned about the situation.",
        "Lavrov also said Moscow was ready.",
    ]
    vocabulary = Vocabulary.from_sentences(sentences)
    entity_lists = [find_entities(s, vocabulary) for s in sentences]
    vocabulary.learn_people(entity_lists)
    relabel_people(entity_lists, vocabulary)
    second = [(e["text"], e["label"]) for e in entity_lists[1]]
    assert ("Lavrov", "PERSON") in second and ("Moscow", "GPE") in second
    assert vocabulary.full_name("Lavrov") == "Sergei Lavrov"


def test_offsets_point_at_the_entity_text():
    sentence = "US President Joe Biden, who ordered the pullout from Afghanistan, spoke to NATO."
    entities = find_entities(sentence)
    assert [(e["text"], e["label"]) for e in entities] == [
        ("US", "GPE"),
        ("Joe Biden", "PERSON"),
        ("Afghanistan", "GPE"),
        ("NATO", "ORG"),
    ]
    for entity in entities:
        assert sentence[entity["start"] : entity["end"]] == entity["text"]
