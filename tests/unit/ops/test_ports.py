"""Free ports for the stacks: below the ephemeral range, consecutive, and really free."""

from __future__ import annotations

import socket

import pytest

from ops import ports


def test_a_block_is_below_the_ephemeral_range_and_every_port_in_it_binds() -> None:
    base = ports.free_port_block(3)
    assert ports.PORT_RANGE.start <= base and base + 3 <= ports.PORT_RANGE.stop
    low, _high = (int(v) for v in open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
    assert base + 3 <= low, "an outgoing connection could take it"
    for port in range(base, base + 3):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_a_port_in_use_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        picks = iter([busy, busy + 1 if busy + 1 < 65535 else busy - 1])
        monkeypatch.setattr(ports, "PORT_RANGE", range(1024, 65535))
        monkeypatch.setattr(ports.random, "randrange", lambda *_: next(picks))
        assert ports.free_port() != busy
