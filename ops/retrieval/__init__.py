"""Retrieval tooling: hit@k, MRR and calibration on the dev set (`make eval-kb`, `make calibrate`), and `make bench-kb`."""
