"""Retrieval tooling: hit@k, MRR and the calibration fit on the dev set, and the index benchmark."""
