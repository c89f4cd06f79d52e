"""nginx's configuration for the production shape, rendered from deploy/nginx/borgerbot.conf.j2.

``python -m ops.proxy --gateways 127.0.0.1:8001,... --action-servers ... > /etc/nginx/conf.d/borgerbot.conf``
renders the file a server installs; `make run-prod` renders the same template into var/nginx/ with a
small main configuration of its own (pid, logs and temporary files under var/, in the foreground).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from core.settings import Settings, get_settings

TEMPLATE = "borgerbot.conf.j2"


def render_http_config(
    settings: Settings,
    gateways: Sequence[str],
    action_servers: Sequence[str],
    *,
    listen: str,
    cache_dir: Path,
    tls: tuple[Path, Path] | None = None,
) -> str:
    """The http-context configuration: the two upstreams, the widget cache, the public and internal servers."""
    templates = Environment(
        loader=FileSystemLoader(settings.project_root / "deploy" / "nginx"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - an nginx file, not HTML
    )
    return templates.get_template(TEMPLATE).render(
        gateways=list(gateways),
        action_servers=list(action_servers),
        listen=listen,
        actions_listen=f"127.0.0.1:{settings.action_port}",
        cache_dir=str(cache_dir),
        max_body_bytes=settings.admin_max_body_bytes,
        tls=tls,
    )


def nginx_main_config(settings: Settings, gateway_ports: Sequence[int], action_ports: Sequence[int]) -> Path:
    """Write var/nginx/nginx.conf (and the http part beside it) for `make run-prod`; return its path."""
    root = settings.var_dir.resolve() / "nginx"
    for folder in ("cache", "temp"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    http = render_http_config(
        settings,
        [f"127.0.0.1:{port}" for port in gateway_ports],
        [f"127.0.0.1:{port}" for port in action_ports],
        listen=f"{settings.gateway_host}:{settings.gateway_port}",
        cache_dir=root / "cache",
    )
    (root / "borgerbot.conf").write_text(http, encoding="utf-8")
    temp = root / "temp"
    lines = [
        "# Written by ops/proxy.py for `make run-prod`; edits are overwritten.",
        # Started by root (as on these machines), nginx would hand its workers to `nobody`, who cannot
        # write under var/; a server runs Debian's nginx service instead (deploy/README.md).
        "user root;" if os.geteuid() == 0 else "",
        "worker_processes 1;",
        f"pid {root / 'nginx.pid'};",
        f"error_log {settings.log_dir.resolve() / 'proxy-error.log'} warn;",
        "events { worker_connections 1024; }",
        "http {",
        "    access_log off;",
        "    default_type application/octet-stream;",
        *(f"    {kind}_temp_path {temp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
        f"    include {root / 'borgerbot.conf'};",
        "}",
        "",
    ]
    path = root / "nginx.conf"
    path.write_text("\n".join(line for line in lines if line), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.proxy", description=__doc__)
    parser.add_argument("--gateways", required=True, help="host:port of each gateway, comma-separated")
    parser.add_argument("--action-servers", required=True, help="host:port of each action server, comma-separated")
    parser.add_argument("--listen", default="443 ssl", help="nginx's listen for the public server")
    parser.add_argument("--tls-certificate", type=Path, help="the certificate chain (with --listen '443 ssl')")
    parser.add_argument("--tls-key", type=Path, help="its private key")
    parser.add_argument("--cache-dir", type=Path, default=Path("/var/cache/nginx/borgerbot"))
    args = parser.parse_args(argv)
    if "ssl" in args.listen.split() and not (args.tls_certificate and args.tls_key):
        parser.error("--listen with ssl needs --tls-certificate and --tls-key")
    text = render_http_config(
        get_settings(),
        args.gateways.split(","),
        args.action_servers.split(","),
        listen=args.listen,
        cache_dir=args.cache_dir,
        tls=(args.tls_certificate, args.tls_key) if args.tls_certificate and args.tls_key else None,
    )
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
