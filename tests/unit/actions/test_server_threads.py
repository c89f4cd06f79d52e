"""The action server embeds on one torch thread: two spin-wait against Rasa and the gateway on a small machine."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import torch
from sanic import Sanic

from actions import server


@pytest.fixture
def torch_threads() -> Iterator[None]:
    """Whatever a test sets, the other tests keep torch's thread count."""
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_limit_torch_threads(torch_threads: None) -> None:
    torch.set_num_threads(2)
    server.limit_torch_threads()
    assert torch.get_num_threads() == server.QUERY_THREADS == 1


def test_warm_up_and_serving_run_on_one_thread(torch_threads: None, monkeypatch: pytest.MonkeyPatch) -> None:
    torch.set_num_threads(2)
    seen: dict[str, int] = {}

    def warm_up() -> None:
        seen["warm_up"] = torch.get_num_threads()

    def serve_single(app: Any) -> None:
        seen["serve"] = torch.get_num_threads()

    monkeypatch.setattr(server, "warm_up", warm_up)
    monkeypatch.setattr(server, "start_index_watcher", lambda: None)
    monkeypatch.setattr(server, "create_app_for_serve", lambda *a, **k: SimpleNamespace(prepare=lambda **_: None))
    monkeypatch.setattr(Sanic, "serve_single", staticmethod(serve_single))
    server.main(["--port", "0"])
    assert seen == {"warm_up": 1, "serve": 1}
