"""Model loading: the sentence-embedding model and its ONNX exports.

In: a model name or folder (default: the bundled all-MiniLM-L6-v2) and a backend. Out: loaded
models and ``encode(texts) -> np.ndarray`` of unit-length vectors.

- :mod:`~factcheck.models.embed`: resolve, load (offline unless allowed) and encode.
- :mod:`~factcheck.models.onnx`: export to ONNX once, run with ONNX Runtime (float or int8).
"""
