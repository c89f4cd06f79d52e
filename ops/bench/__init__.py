"""``make bench``: our stack's latency, throughput and memory under load, as ratios to a bare Rasa floor."""
