"""Training aside: a failed or interrupted `rasa train` never leaves a model that looks current."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from core.settings import Settings
from ops import training


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The test settings with a models folder of their own (the checkout's may hold a real model)."""
    return settings.model_copy(update={"models_dir": tmp_path / "models"})


def fake_rasa(tmp_path: Path, body: str) -> Path:
    """A stand-in for the `rasa` executable: writes what `body` says into --out, then exits."""
    script = tmp_path / "rasa"
    script.write_text(
        "#!/bin/sh\n"
        'out=""; name=""\n'
        'while [ $# -gt 0 ]; do case "$1" in --out) out="$2"; shift;; --fixed-model-name) name="$2"; shift;; esac; '
        "shift; done\n" + body,
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.mark.parametrize(
    "body",
    [
        'printf partial > "$out/$name.tar.gz"; exit 1\n',  # fails after writing half a model
        'printf partial > "$out/$name.tar.gz"; kill -9 $$\n',  # killed mid-write
    ],
)
def test_a_failed_training_leaves_no_current_model(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    monkeypatch.setattr(training, "rasa_executable", lambda _: fake_rasa(tmp_path, body))
    with pytest.raises(RuntimeError, match="rasa train failed"):
        training.ensure_model(settings)
    assert list(settings.models_dir.iterdir()) == []


def test_a_finished_training_is_renamed_into_place(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        training, "rasa_executable", lambda _: fake_rasa(tmp_path, 'printf model > "$out/$name.tar.gz"\n')
    )
    model = training.ensure_model(settings)
    assert model.read_text() == "model" and model.parent == settings.models_dir
    assert [p.name for p in settings.models_dir.iterdir()] == [model.name]
    assert training.ensure_model(settings) == model  # current: no second training
