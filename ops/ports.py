"""Free loopback ports for stacks started by tests and by make eval.

Picked below Linux's ephemeral range (32768-60999), where the kernel never hands a port to an
outgoing connection: a port the OS picked from that range could be taken by one of the stack's
own connections (PostgreSQL, Redis, RabbitMQ, HTTP) before the slow Rasa server bound it.
"""

from __future__ import annotations

import random
import socket

# Registered ports no common local service here uses, and below every Linux's ephemeral range.
PORT_RANGE = range(20000, 32768)


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port_block(count: int, attempts: int = 200) -> int:
    """The first of ``count`` consecutive ports nothing listens on right now (replicas sit side by side)."""
    for _ in range(attempts):
        base = random.randrange(PORT_RANGE.start, PORT_RANGE.stop - count)  # noqa: S311 (a port, not a secret)
        if all(_bindable(port) for port in range(base, base + count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports found in {PORT_RANGE.start}-{PORT_RANGE.stop - 1}")


def free_port() -> int:
    """A port nothing listens on right now."""
    return free_port_block(1)
