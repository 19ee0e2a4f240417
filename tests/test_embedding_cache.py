"""The embedding cache: encode each (text, model) once, in order, batch by batch."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from factcheck.corpus import vectors
from factcheck.corpus.importer import import_paths
from factcheck.errors import ConfigError, InputError, ModelError
from factcheck.models import embed
from factcheck.storage import embeddings as store

TEXTS = [
    "The unemployment rate fell to 3.5 percent in September.",
    "Tajikistan mobilised 20,000 reservists.",
    "A video shows a ten-metre anaconda crossing a river.",
    "The unemployment rate fell to 3.5 percent in September.",  # repeated on purpose
]


class Counter:
    """Wraps embed.encode (the real one by default) and records the texts it was given."""

    def __init__(self, monkeypatch, fake: bool = False):
        self.calls: list[list[str]] = []
        self.real = embed.encode
        self.fake = fake
        monkeypatch.setattr(embed, "encode", self)

    def __call__(self, texts, *, model=None, batch_size=64, show_progress_bar=False, backend=None):
        self.calls.append(list(texts))
        if self.fake:
            return fake_vectors(texts)
        return self.real(texts, model=model, batch_size=batch_size, backend=backend)

    @property
    def encoded(self) -> list[str]:
        return [text for call in self.calls for text in call]


def fake_vectors(texts, dim: int = 8) -> np.ndarray:
    """Deterministic unit vectors from the text hash: a stand-in for a second model."""
    rows = []
    for text in texts:
        seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
        row = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
        rows.append(row / np.linalg.norm(row))
    return np.vstack(rows)


@pytest.mark.model
def test_vectors_match_the_model_and_keep_order(db, bundled_model, monkeypatch):
    counter = Counter(monkeypatch)
    got = vectors.embed_texts(db, TEXTS)
    direct = bundled_model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    assert got.dtype == np.float32 and got.shape == (4, 384)
    assert np.allclose(got, direct, atol=1e-5)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert sorted(counter.encoded) == sorted(set(TEXTS))  # the repeated text encoded once
    assert store.count(db, embed.BUNDLED_MODEL) == 3


@pytest.mark.model
def test_second_call_encodes_nothing(db, bundled_model, monkeypatch):
    first = vectors.embed_texts(db, TEXTS)
    counter = Counter(monkeypatch)
    again = vectors.embed_texts(db, list(reversed(TEXTS)))
    assert counter.calls == []
    assert np.array_equal(again, first[::-1])


@pytest.mark.model
def test_only_new_texts_are_encoded(db, bundled_model, monkeypatch):
    vectors.embed_texts(db, TEXTS[:2])
    counter = Counter(monkeypatch)
    vectors.embed_texts(db, ["  " + TEXTS[0] + "\n", TEXTS[2]])  # surrounding space: same key
    assert counter.encoded == [TEXTS[2]]


def test_batches_are_stored_one_transaction_each(db, monkeypatch):
    counter = Counter(monkeypatch, fake=True)
    texts = [f"claim number {i}" for i in range(5)]
    vectors.embed_texts(db, texts, model="fake", batch_size=2)
    assert [len(call) for call in counter.calls] == [2, 2, 1]

    def failing(texts, **kwargs):
        if "later text 3" in texts or "later text 4" in texts:
            raise RuntimeError("out of memory")
        return fake_vectors(texts)

    monkeypatch.setattr(embed, "encode", failing)
    later = [f"later text {i}" for i in range(5)]
    with pytest.raises(RuntimeError):
        vectors.embed_texts(db, later, model="fake", batch_size=2)
    kept = store.count(db, "fake")
    assert 5 < kept < 10  # the batches finished before the failure are kept
    counter = Counter(monkeypatch, fake=True)
    vectors.embed_texts(db, later, model="fake", batch_size=2)
    assert len(counter.encoded) == 10 - kept


def test_model_switch_encodes_only_what_that_model_lacks(db, monkeypatch):
    counter = Counter(monkeypatch, fake=True)
    vectors.embed_texts(db, TEXTS, model="fake-a")
    vectors.embed_texts(db, TEXTS[:2], model="fake-b")
    assert len(counter.calls) == 2
    vectors.embed_texts(db, TEXTS, model="fake-b")
    assert counter.calls[-1] == [TEXTS[2]]
    assert vectors.models_in_db(db) == {"fake-a": 3, "fake-b": 3}


def test_stored_vectors_of_another_model_give_a_clear_message(db, tmp_path, monkeypatch):
    Counter(monkeypatch, fake=True)
    path = tmp_path / "c.csv"
    path.write_text("claim,rating\nThe sky is green.,false\nWater is dry.,false\n")
    import_paths(db, [path])
    assert vectors.model_mismatch(db, "fake") is None  # nothing stored yet: nothing to clash
    assert vectors.embed_passages(db, "fake") == 2
    assert vectors.embed_passages(db, "fake") == 0
    assert vectors.require_model(db, "fake") == "fake"
    with pytest.raises(ModelError) as error:
        vectors.require_model(db, None)
    message = str(error.value)
    assert "fake (2 texts)" in message and embed.BUNDLED_MODEL in message
    assert f"factcheck corpus embed --model {embed.BUNDLED_MODEL}" in message
    assert "2 passages to encode" in message


def test_bad_texts_are_refused_before_anything_is_stored(db, monkeypatch):
    counter = Counter(monkeypatch, fake=True)
    with pytest.raises(InputError, match="text 2 is empty"):
        vectors.embed_texts(db, ["fine", "   "], model="fake")
    with pytest.raises(InputError, match="not a string"):
        vectors.embed_texts(db, ["fine", None], model="fake")
    assert counter.calls == [] and store.count(db) == 0


def test_empty_input_gives_an_empty_matrix_of_the_stored_size(db, monkeypatch):
    Counter(monkeypatch, fake=True)
    vectors.embed_texts(db, ["one"], model="fake")
    assert vectors.embed_texts(db, [], model="fake").shape == (0, 8)


def test_unknown_backend_is_a_config_error(db, monkeypatch):
    monkeypatch.setenv("FACTCHECK_EMBED_BACKEND", "tpu")
    with pytest.raises(ConfigError, match="onnx-int8"):
        vectors.embed_texts(db, ["x"])


@pytest.mark.model
def test_onnx_backends_match_torch_and_int8_gets_its_own_key(
    db, bundled_model, tmp_path, monkeypatch
):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    monkeypatch.setenv("FACTCHECK_ONNX_DIR", str(tmp_path / "onnx"))
    embed.forget_recent()  # vectors remembered from earlier tests would skip the export
    torch_vectors = bundled_model.encode(TEXTS[:3], normalize_embeddings=True)
    monkeypatch.setenv("FACTCHECK_EMBED_BACKEND", "onnx")
    got = vectors.embed_texts(db, TEXTS[:3])
    assert np.allclose(got, torch_vectors, atol=1e-4)  # float32 graph: the same vectors
    assert vectors.models_in_db(db) == {embed.BUNDLED_MODEL: 3}
    monkeypatch.setenv("FACTCHECK_EMBED_BACKEND", "onnx-int8")
    quantised = vectors.embed_texts(db, TEXTS[:3])
    assert vectors.models_in_db(db)[f"{embed.BUNDLED_MODEL}@onnx-int8"] == 3
    assert np.all(np.sum(quantised * torch_vectors, axis=1) > 0.85)
    assert sorted(p.name.endswith("-int8.onnx") for p in (tmp_path / "onnx").iterdir()) == [
        False,
        True,
    ]


def test_progress_reports_texts_done_of_total_after_each_batch(db, monkeypatch):
    counter = Counter(monkeypatch, fake=True)
    heard: list[vectors.EncodingProgress] = []
    texts = [f"claim number {i}" for i in range(5)]
    vectors.embed_texts(db, texts, model="fake", batch_size=2, report=heard.append)
    assert [(p.done, p.total) for p in heard] == [(2, 5), (4, 5), (5, 5)]
    assert all(p.rate > 0 for p in heard) and heard[-1].eta == 0
    assert heard[0].message.startswith("encoding texts: 2 of 5, ") and "left" in heard[0].message
    assert "left" not in heard[-1].message
    heard.clear()
    vectors.embed_texts(db, texts, model="fake", batch_size=2, report=heard.append)
    assert heard == [] and len(counter.calls) == 3  # all cached: nothing encoded, nothing said


@pytest.mark.model
def test_the_default_backend_is_onnx_and_torch_stands_in_when_no_graph_can_be_made(
    db, bundled_model, tmp_path, monkeypatch
):
    monkeypatch.delenv("FACTCHECK_EMBED_BACKEND", raising=False)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the ONNX folder would go")
    monkeypatch.setenv("FACTCHECK_ONNX_DIR", str(blocked / "onnx"))
    monkeypatch.setattr(embed, "_onnx_failed", [])
    embed.forget_recent()
    torch_vectors = bundled_model.encode(TEXTS[:3], normalize_embeddings=True)
    got = vectors.embed_texts(db, TEXTS[:3])  # the default (onnx) cannot export: torch runs
    assert np.allclose(got, torch_vectors, atol=1e-5)
    assert vectors.models_in_db(db) == {embed.BUNDLED_MODEL: 3}  # the same key as onnx's
    monkeypatch.setenv("FACTCHECK_EMBED_BACKEND", "onnx")  # named: no stand-in
    with pytest.raises(ModelError, match="FACTCHECK_ONNX_DIR"):
        vectors.embed_texts(db, ["a text not cached yet"])


@pytest.mark.model
def test_recent_texts_are_encoded_once_per_process(bundled_model, monkeypatch):
    embed.forget_recent()
    first = embed.encode(TEXTS[:2])
    given: list[list[str]] = []
    real = embed._encode
    monkeypatch.setattr(
        embed, "_encode", lambda texts, **kw: given.append(texts) or real(texts, **kw)
    )
    again = embed.encode([TEXTS[1], TEXTS[2], TEXTS[0]])
    assert given == [[TEXTS[2]]]  # only the new text reaches the model
    assert np.array_equal(again[[2, 0]], first)
    direct = bundled_model.encode([TEXTS[2]], normalize_embeddings=True)
    assert np.allclose(again[1], direct[0], atol=1e-5)
    monkeypatch.setattr(embed, "MEMO_SIZE", 1)
    embed.encode(["one more text"])
    assert list(embed._memo) == [(embed.BUNDLED_MODEL, "one more text")]  # the oldest dropped
