"""Check-worthiness scorer: the shipped model, its weights file, and training."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from factcheck.errors import InputError, ModelError
from factcheck.extract import checkworthiness as cw
from factcheck.research import train_scorer as ts

pytestmark = pytest.mark.model

FACTUAL = (
    "Unemployment fell from 10 percent in 2009 to 4.7 percent in 2016, the Labor Department said."
)
NOT_CLAIMS = [
    "Thank you very much, and good evening to all of you.",
    "I think we need to come together and work hard for a better future.",
]


@pytest.fixture(scope="module")
def scorer():
    return cw.load_scorer()


def test_scores_are_probabilities_in_input_order(scorer):
    texts = [FACTUAL, *NOT_CLAIMS, "The bill passed the Senate 52 to 48 in March."]
    forward = scorer.score(texts)
    backward = scorer.score(texts[::-1])
    assert forward.shape == (len(texts),)
    assert np.all((forward >= 0) & (forward <= 1))
    np.testing.assert_allclose(forward, backward[::-1], atol=1e-5)
    np.testing.assert_allclose(
        scorer.score([texts[1]]), forward[1:2], atol=1e-5
    )  # batch-independent


def test_empty_input_gives_empty_scores(scorer):
    assert scorer.score([]).shape == (0,)


def test_factual_claim_outscores_opinion_and_greeting(scorer):
    factual, *others = scorer.score([FACTUAL, *NOT_CLAIMS])
    assert factual >= 0.5
    assert all(other < 0.5 for other in others)


def test_seed_article_figures_score_high_headings_and_rhetoric_low(scorer, seed_article):
    lines = seed_article.read_text(encoding="utf-8").splitlines()
    figures = [
        "more than 100 of Afghanistan",
        "20,000 military reservists",
        "70% of the Tajik-Afghan border",
        "more than 90% of its troops",
        "980 loads",
        "17,000 pieces of equipment",
        "close its consulate in the city of Mazar-i-Sharif",
    ]
    claims = [line for line in lines for part in figures if part in line]
    headings = ["US withdrawal 90% complete", "Russian FM warns about situation in Afghanistan"]
    assert len(claims) == len(figures) and all(h in lines for h in headings), "seed text changed"
    high = scorer.score(claims)
    low = scorer.score([*headings, "There is war, there is pressure."])
    assert np.all(high >= 0.5), dict(zip(claims, high))
    assert np.all(low < 0.5), low


def test_onnx_graph_gives_the_torch_scores(scorer, tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_ONNX_DIR", str(tmp_path))
    texts = [FACTUAL, *NOT_CLAIMS, "The bill passed the Senate 52 to 48 in March."]
    torch_scorer = cw.load_scorer(backend_name="torch")
    exported = cw.load_scorer(backend_name="onnx")
    assert exported.backend == "onnx" and exported.session is not None
    assert len(list(tmp_path.glob("checkworthiness-*.onnx"))) == 1
    np.testing.assert_allclose(exported.decision(texts), torch_scorer.decision(texts), atol=1e-3)


def test_int8_graph_keeps_the_decisions(shared_data, tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_ONNX_DIR", str(tmp_path))
    texts, labels = ts.read_labelled(shared_data / "claimbuster" / "sentences-dev.csv")
    _, held = ts.split_indices(labels)
    sample = [texts[i] for i in held[:300]]
    exact = cw.load_scorer(backend_name="torch").decision(sample)
    quantized = cw.load_scorer(backend_name="onnx-int8").decision(sample)
    assert np.mean((exact >= 0) == (quantized >= 0)) >= 0.97
    truth = labels[held[:300]]
    assert (
        abs(average_precision_score(truth, quantized) - average_precision_score(truth, exact))
        < 0.02
    )


def test_default_backend_falls_back_to_torch_when_no_graph_can_be_made(
    tmp_path, monkeypatch, caplog
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the ONNX folder should be", encoding="utf-8")
    monkeypatch.setenv("FACTCHECK_ONNX_DIR", str(blocked))
    monkeypatch.delenv("FACTCHECK_SCORE_BACKEND", raising=False)
    copy = tmp_path / "weights.npz"  # a path of its own: nothing cached for it yet
    copy.write_bytes((cw.DATA_DIR / cw.WEIGHTS_FILE).read_bytes())
    with caplog.at_level("WARNING", logger="factcheck.extract.checkworthiness"):
        scorer = cw.load_scorer(copy)
    assert scorer.backend == "torch" and "instead of onnx-int8" in caplog.text
    assert scorer.score([FACTUAL])[0] >= 0.5
    monkeypatch.setenv("FACTCHECK_SCORE_BACKEND", "onnx-int8")  # asked for by name: an error
    with pytest.raises(ModelError, match="FACTCHECK_ONNX_DIR"):
        cw.load_scorer(copy)


def test_a_damaged_cached_graph_is_named(tmp_path, monkeypatch):
    from factcheck.models import onnx as embed_onnx

    damaged = tmp_path / "damaged.onnx"
    damaged.write_bytes(b"\x08\x01garbage")
    with pytest.raises(ModelError, match="damaged.onnx.*delete the file"):
        embed_onnx.session(str(damaged), threads=1)


def test_unknown_backend_lists_the_valid_ones(monkeypatch):
    from factcheck.errors import ConfigError

    monkeypatch.setenv("FACTCHECK_SCORE_BACKEND", "tpu")
    with pytest.raises(ConfigError, match="torch, onnx, onnx-int8"):
        cw.load_scorer()


def test_shipped_weights_load_small_and_are_cached(scorer):
    path = cw.DATA_DIR / cw.WEIGHTS_FILE
    weights = cw.read_weights(path)
    assert weights["format"] == cw.FORMAT and weights["trunk_layers"] == scorer.trunk
    assert weights["trunk_layers"] + weights["branch_layers"] == cw.EMBEDDING_LAYER
    assert (
        path.stat().st_size < 5_000_000
    )  # adapters only: the base weights are the bundled model's
    assert cw.load_scorer() is scorer


def test_scoring_leaves_the_bundled_encoder_unchanged(scorer):
    from factcheck.models.embed import encode

    texts = [FACTUAL, *NOT_CLAIMS]
    before = encode(texts)
    scorer.score(texts)
    cw.load_scorer(backend_name="torch").score(texts)
    np.testing.assert_allclose(encode(texts), before, atol=1e-6)


def test_missing_weights_raise_model_error(tmp_path):
    with pytest.raises(ModelError, match="not found.*train"):
        cw.load_scorer(tmp_path / "absent.npz")


def _shipped_arrays() -> dict:
    with np.load(cw.DATA_DIR / cw.WEIGHTS_FILE) as data:
        return {key: data[key] for key in data.files}


def test_corrupt_weights_raise_model_error(tmp_path):
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a weights file")
    with pytest.raises(ModelError, match="unreadable"):
        cw.load_scorer(garbage)
    old = tmp_path / "old.npz"  # the previous format (a linear model over pooled layers)
    np.savez(
        old,
        coef=np.ones(1536, np.float32),
        intercept=np.float32(0),
        layers=np.array([1, 2, 3, 4]),
        max_tokens=np.int64(128),
    )
    with pytest.raises(ModelError, match="unreadable.*train"):
        cw.load_scorer(old)
    deep = tmp_path / "deep.npz"
    np.savez(deep, **{**_shipped_arrays(), "trunk_layers": np.int64(9)})
    with pytest.raises(ModelError, match="corrupt"):
        cw.load_scorer(deep)
    arrays = _shipped_arrays()
    key = next(k for k in arrays if k.endswith(".up"))
    arrays[key] = arrays[key][:7]
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, **arrays)
    with pytest.raises(ModelError, match="do not fit"):
        cw.load_scorer(wrong)


def test_training_on_a_subsample_learns_something(shared_data, tmp_path):
    csv = shared_data / "claimbuster" / "sentences-dev.csv"
    target = ts.train(csv, tmp_path, limit=240, epochs=2, soup=2)
    assert target == tmp_path / cw.WEIGHTS_FILE
    weights = cw.read_weights(target)
    assert weights["soup"] == 2 and weights["rank"] == 2 * cw.RANK
    trained = cw.load_scorer(target)
    texts, labels = ts.read_labelled(csv)
    _, held = ts.split_indices(labels)
    sample = held[:150]
    scores = trained.score([texts[i] for i in sample])
    assert np.all((scores >= 0) & (scores <= 1))
    chance = labels[sample].mean()
    assert average_precision_score(labels[sample], scores) > chance + 0.2


def test_bad_training_data_is_refused_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("sentence_id,text\n1,hello\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(InputError, match="label"):
        ts.train(bad, out)
    with pytest.raises(InputError, match="not found"):
        ts.train(tmp_path / "absent.csv", out)
    with pytest.raises(InputError, match="at least 40"):
        ts.train(tmp_path / "absent.csv", out, limit=5)
    with pytest.raises(InputError, match="epochs"):
        ts.train(tmp_path / "absent.csv", out, epochs=0)
    with pytest.raises(InputError, match="soup"):
        ts.train(tmp_path / "absent.csv", out, soup=0)
    assert not out.exists()


def test_train_command_reports_errors_in_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        ts.main(["train", "--data", str(tmp_path / "absent.csv"), "--out", str(tmp_path)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Error: training data not found") and "\n" not in err


def _branch_with_random_adapters(seed: int):
    import torch

    torch.manual_seed(seed)
    _, base = cw.load_base()
    branch = ts.Branch(base, cw.TRUNK_LAYERS, cw.RANK)
    with torch.no_grad():
        for parameter in branch.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.01)
    return branch


def test_soup_is_the_mean_of_its_members_merged_weights():
    first, second = _branch_with_random_adapters(1), _branch_with_random_adapters(2)
    members = [first.weights(), second.weights()]
    soup = ts.soup_weights([first, second])
    for key in (k for k in members[0] if k.endswith(".up")):
        down = key[:-3] + ".down"
        merged = [m[key].astype(np.float32) @ m[down].astype(np.float32) for m in members]
        assert soup[key].shape[1] == 2 * cw.RANK and soup[down].shape[0] == 2 * cw.RANK
        np.testing.assert_allclose(
            soup[key].astype(np.float32) @ soup[down].astype(np.float32),
            (merged[0] + merged[1]) / 2,
            atol=2e-4,
        )
    for key in (k for k in members[0] if k.endswith((".weight", ".bias")) or k == "head_weight"):
        np.testing.assert_allclose(soup[key], (members[0][key] + members[1][key]) / 2, rtol=1e-6)
    biases = [float(b.head.bias.detach()[0]) for b in (first, second)]
    assert float(soup["head_bias"]) == pytest.approx(sum(biases) / 2)
    single = ts.soup_weights([first])
    assert all(np.array_equal(single[k], members[0][k]) for k in members[0])
