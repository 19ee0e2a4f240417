"""Prompt templates: the shipped ones render, and rendering is strict about variables."""

from __future__ import annotations

import json

import pytest

from factcheck import vocab
from factcheck.errors import ConfigError, FactcheckError
from factcheck.extract import prompts
from factcheck.extract.prompts import PromptError

SHIPPED = {
    "claim_extraction": {"article_text", "max_claims", "claim_types"},
    "verdict_draft": {"claim_text", "speaker", "article_title", "evidence", "ratings"},
    "stance": {"claim_text", "evidence_text", "evidence_source"},
}


def test_shipped_templates_are_listed():
    assert set(SHIPPED) <= set(prompts.available())


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_template_renders_every_variable(name):
    template = prompts.load(name)
    assert template.variables == SHIPPED[name]
    values = {v: f"<<{v.upper()}>>" for v in SHIPPED[name]}
    messages = prompts.render(name, **values)
    assert [m["role"] for m in messages] == ["system", "user"]
    user = messages[1]["content"]
    for value in values.values():
        assert value in user
    joined = "".join(m["content"] for m in messages)
    assert "$" not in joined and "<!--" not in joined  # no placeholder or marker left


def test_claim_extraction_keeps_its_json_example_braces():
    (_, user) = prompts.render(
        "claim_extraction", article_text="A.", max_claims=5, claim_types="statistic, quote"
    )
    assert '{"claims": []}' in user["content"]
    assert "at most 5 check-worthy claims" in user["content"]
    assert "<article>\nA.\n</article>" in user["content"]


def test_the_stance_prompt_asks_for_the_project_stances():
    system, user = prompts.render("stance", claim_text="c", evidence_text="e", evidence_source="s")
    assert '{"stance": "' + " | ".join(vocab.EVIDENCE_CHOICES) + '",' in user["content"]
    for choice in vocab.EVIDENCE_CHOICES:
        assert f'- "{choice}": {vocab.EVIDENCE_MEANINGS[choice]}.' in system["content"]
    for stale in ("unrelated", "insufficient"):
        assert stale not in system["content"] + user["content"]
    assert prompts.load("stance").identifiers == SHIPPED["stance"] | prompts.SHARED


def test_vocabulary_variables_fill_any_template(tmp_path):
    (tmp_path / "t.md").write_text("<!-- user -->\nPick one of: $stance_choices ($x)")
    template = prompts.load("t", tmp_path)
    assert template.variables == {"x"}
    choices = " | ".join(vocab.EVIDENCE_CHOICES)
    assert template.render(x=1) == [{"role": "user", "content": f"Pick one of: {choices} (1)"}]
    assert template.render(x=1, stance_choices="a | b")[0]["content"] == "Pick one of: a | b (1)"
    with pytest.raises(PromptError, match="unknown stances"):
        template.render(x=1, stances="not used here")


def test_missing_variable_is_named_with_the_expected_ones():
    with pytest.raises(PromptError) as info:
        prompts.render("claim_extraction", article_text="A.", max_claims=3)
    message = str(info.value)
    assert "missing claim_types" in message
    assert "article_text, claim_types, max_claims" in message


def test_unknown_variable_is_an_error():
    with pytest.raises(PromptError, match="unknown colour"):
        prompts.render(
            "stance", claim_text="c", evidence_text="e", evidence_source="s", colour="red"
        )


def test_prompt_error_is_a_factcheck_config_error():
    assert issubclass(PromptError, ConfigError) and issubclass(PromptError, FactcheckError)


def test_unknown_template_lists_the_available_ones():
    with pytest.raises(PromptError, match=r"no prompt template 'nope'.*claim_extraction"):
        prompts.render("nope")


def test_template_name_cannot_leave_the_folder(tmp_path):
    (tmp_path / "inner").mkdir()
    (tmp_path / "secret.md").write_text("<!-- user -->\nhi", encoding="utf-8")
    with pytest.raises(PromptError, match="no prompt template"):
        prompts.load("../secret", tmp_path / "inner")


def test_custom_template_dollars_braces_and_header(tmp_path):
    (tmp_path / "price.md").write_text(
        "<!-- header: never sent, may say $anything -->\n"
        "<!-- user -->\nCost: $$${amount} for {item}: $item\n",
        encoding="utf-8",
    )
    assert prompts.available(tmp_path) == ["price"]
    messages = prompts.load("price", tmp_path).render(amount=5, item="$tea")
    assert messages == [{"role": "user", "content": "Cost: $5 for {item}: $tea"}]


def test_values_are_not_substituted_twice(tmp_path):
    (tmp_path / "t.md").write_text("<!-- system -->\n$a and $b", encoding="utf-8")
    messages = prompts.load("t", tmp_path).render(a="$b", b=json.dumps({"x": 1}))
    assert messages[0]["content"] == '$b and {"x": 1}'


@pytest.mark.parametrize(
    "text, problem",
    [
        ("no markers at all: $x", "no <!-- system --> or <!-- user --> marker"),
        ("<!-- user -->\nPrice: $ 5", "malformed '\\$' placeholder"),
        ("<!-- system -->\n\n<!-- user -->\nhi", "empty system part"),
    ],
)
def test_malformed_templates_are_rejected(tmp_path, text, problem):
    (tmp_path / "bad.md").write_text(text, encoding="utf-8")
    with pytest.raises(PromptError, match=problem):
        prompts.load("bad", tmp_path)
