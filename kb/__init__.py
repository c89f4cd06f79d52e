"""The guide library: guides, municipality data, the searchable index and the answer decision.

It imports nothing from the gateway, the actions or the tooling; only ``core``.
"""
