//! Conformance suite helpers live in `patchmon-test-support`; the suite itself is in `tests/`.
