//! Integration tests for errq: see the files under `tests/tests/`.
