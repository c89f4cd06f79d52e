"""make run refuses a damaged model before anything starts (Rasa would run without one, answering its health check)."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

from ops.run import damaged_model


def model_archive(path: Path) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        data = os.urandom(100_000)  # incompressible, so cutting the file cuts the data
        info = tarfile.TarInfo("components/policy.bin")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


def test_a_whole_model_passes(tmp_path: Path) -> None:
    assert damaged_model(model_archive(tmp_path / "borgerbot-0123.tar.gz")) is None


def test_a_model_cut_short_by_an_interrupted_training_is_named(tmp_path: Path) -> None:
    model = model_archive(tmp_path / "borgerbot-0123.tar.gz")
    whole = model.read_bytes()
    model.write_bytes(whole[: len(whole) // 2])
    problem = damaged_model(model)
    assert problem is not None
    assert problem.startswith(f"The Rasa model {model} is damaged (")
    assert problem.endswith("Delete it and start `make run` again, which trains a new one.")


def test_make_run_says_how_to_make_the_first_administrator(tmp_path: Path) -> None:
    from bot.admin.accounts import AccountStore
    from core.settings import Settings
    from kb.content.engine import make_engine
    from ops.database import upgrade
    from ops.run import staff_pages_hint

    settings = Settings(var_dir=tmp_path / "var")
    upgrade(settings.gateway_database_url)
    assert "python -m bot.admin create-user" in staff_pages_hint(settings)
    engine = make_engine(settings.gateway_database_url)
    AccountStore(engine).create_user("anna", "Anna", "et-langt-kodeord-42", "admin", None, "test")
    hint = staff_pages_hint(settings)
    assert hint.endswith("/admin/") and "create-user" not in hint
