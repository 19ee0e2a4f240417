"""Verdict scales: presets, aliases, loose matching, errors that list valid labels, custom files."""

from __future__ import annotations

import json

import pytest

from factcheck.errors import ConfigError, InputError
from factcheck.review.scales import (
    PRESETS,
    UnknownLabelError,
    get_scale,
    list_scales,
    load_scales_file,
)


def test_presets_are_listed():
    assert list_scales()[:5] == ["politifact", "snopes", "meta", "simple", "ordinal-1-5"]


def test_politifact_six_levels_worst_to_best():
    scale = get_scale("politifact")
    assert scale.names == [
        "Pants on Fire!",
        "False",
        "Mostly False",
        "Half True",
        "Mostly True",
        "True",
    ]
    assert [scale.ordinal(n) for n in scale.names] == [1, 2, 3, 4, 5, 6]
    assert (scale.worst, scale.best, scale.is_ordinal) == (1, 6, True)


@pytest.mark.parametrize(
    "raw, canonical",
    [
        ("pants-fire", "Pants on Fire!"),
        ("PANTS ON FIRE", "Pants on Fire!"),
        ("barely-true", "Mostly False"),  # PolitiFact's old name
        ("Barely True", "Mostly False"),
        ("half_true", "Half True"),
        ("mostly-true", "Mostly True"),
        ("  true ", "True"),
    ],
)
def test_politifact_aliases_and_loose_matching(raw, canonical):
    assert get_scale("politifact").normalise(raw) == canonical


def test_unknown_label_error_names_the_valid_labels():
    with pytest.raises(UnknownLabelError) as info:
        get_scale("politifact").normalise("Four Pinocchios")
    message = str(info.value)
    assert "Four Pinocchios" in message
    assert "Pants on Fire!, False, Mostly False, Half True, Mostly True, True" in message
    assert isinstance(info.value, InputError)


def test_unknown_scale_lists_the_valid_ones():
    with pytest.raises(ConfigError, match="politifact, snopes, meta, simple, ordinal-1-5"):
        get_scale("truth-o-meter")


def test_scale_names_match_loosely():
    assert get_scale("PolitiFact").name == "politifact"
    assert get_scale("ordinal_1_5").name == "ordinal-1-5"


def test_snopes_extras_are_not_ordinal():
    scale = get_scale("snopes")
    assert [lb.name for lb in scale.ordinal_labels] == [
        "False",
        "Mostly False",
        "Mixture",
        "Mostly True",
        "True",
    ]
    for extra in ("Unproven", "Miscaptioned", "Outdated"):
        assert scale.ordinal(extra) is None
    assert scale.normalise("mixed") == "Mixture"
    assert (scale.worst, scale.best) == (1, 5)


def test_meta_labels():
    scale = get_scale("meta")
    assert scale.names == ["False", "Altered", "Partly False", "Missing Context", "Satire", "True"]
    assert scale.ordinal("Satire") is None and scale.ordinal("Altered") is None
    assert scale.normalise("partly false information") == "Partly False"


def test_simple_scale():
    scale = get_scale("simple")
    assert set(scale.names) == {"True", "False", "Misleading", "Unproven"}
    assert scale.ordinal("False") < scale.ordinal("Misleading") < scale.ordinal("True")
    assert scale.ordinal("Unproven") is None


def test_ordinal_1_5_accepts_numbers():
    scale = get_scale("ordinal-1-5")
    assert scale.names == ["1", "2", "3", "4", "5"]
    assert [scale.ordinal(str(v)) for v in range(1, 6)] == [1, 2, 3, 4, 5]
    assert scale.normalise(3) == "3" and scale.normalise(4.0) == "4"
    with pytest.raises(UnknownLabelError, match="1, 2, 3, 4, 5"):
        scale.normalise("6")


def test_polarity_uses_the_ordinal_midpoint():
    snopes = get_scale("snopes")
    assert snopes.midpoint == 3
    levels = ("False", "Mostly False", "Mixture", "Mostly True", "True")
    assert [snopes.polarity(n) for n in levels] == ["false", "false", "mixed", "true", "true"]
    assert snopes.polarity("Unproven") is None
    politifact = get_scale("politifact")  # midpoint 3.5 falls between two labels
    assert politifact.polarity("Mostly False") == "false"
    assert politifact.polarity("Half True") == "true"


def test_to_dict_gives_claimreview_bounds():
    data = get_scale("politifact").to_dict()
    assert (data["worst"], data["best"]) == (1, 6)
    assert data["labels"][2] == {
        "name": "Mostly False",
        "ordinal": 3,
        "aliases": ["barely-true", "barely true"],
    }


TOML = """
[scales.newsroom]
description = "House scale"
labels = ["False", "Misleading", "True"]

[scales.graded]
labels = [
  {name = "Wrong", ordinal = 0, aliases = ["incorrect"]},
  {name = "Right", ordinal = 10},
  {name = "Unclear", ordinal = false},
]

[scales.topics]
ordinal = false
labels = ["Health", "Politics"]
"""


@pytest.fixture
def scales_file(tmp_path):
    path = tmp_path / "scales.toml"
    path.write_text(TOML)
    return path


def test_custom_scales_from_toml(scales_file):
    scales = load_scales_file(scales_file)
    assert [scales["newsroom"].ordinal(n) for n in ("False", "Misleading", "True")] == [1, 2, 3]
    graded = scales["graded"]
    assert graded.normalise("INCORRECT") == "Wrong"
    assert (graded.worst, graded.best, graded.ordinal("Unclear")) == (0, 10, None)
    assert not scales["topics"].is_ordinal and scales["topics"].best is None


def test_custom_scales_from_env_and_argument(scales_file, monkeypatch):
    assert "newsroom" not in list_scales()
    assert get_scale("graded", path=scales_file).name == "graded"
    monkeypatch.setenv("FACTCHECK_SCALES_FILE", str(scales_file))
    assert list_scales() == [*PRESETS, "newsroom", "graded", "topics"]
    assert get_scale("newsroom").description == "House scale"


def test_custom_scales_from_json(tmp_path):
    path = tmp_path / "scales.json"
    path.write_text(json.dumps({"scales": {"yesno": {"labels": ["No", "Yes"]}}}))
    assert get_scale("yesno", path=path).ordinal("yes") == 2


@pytest.mark.parametrize(
    "text, message",
    [
        ("[scales.politifact]\nlabels = ['a', 'b']", "built in"),
        ("[scales.x]\nlabels = ['True', 'true']", "names both"),
        ("[scales.x]\nlabels = [{name = 'a', ordinal = 'high'}]", "must be a number"),
        ("[scales.x]\ndescription = 'no labels'", "needs a 'labels' list"),
        ("title = 'nothing'", "needs a 'scales' table"),
        ("[scales.x\n", "not valid TOML"),
    ],
)
def test_bad_scales_files_say_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_scales_file(path)


def test_missing_scales_file_names_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_SCALES_FILE", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match="FACTCHECK_SCALES_FILE"):
        get_scale("politifact")
