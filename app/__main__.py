"""The command line: ``threadlab`` (or ``python -m app``).

    threadlab [serve] [--host H] [--port P] [--data-dir D]    serve the web app (default)

Each subcommand is one ``add_<name>`` function below that sets its parser's ``handler``;
more (``run``, ``export``) plug in the same way.  Options left out come from the
environment (``THREADLAB_<NAME>``) or the defaults in ``app/settings.py``.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from app.settings import Settings

DEFAULT_COMMAND = "serve"


def add_serve(commands: Any) -> None:
    serve = commands.add_parser("serve", help="serve the web app (the default)")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1; 0.0.0.0 for a LAN)")
    serve.add_argument("--port", type=int, help="port to bind (default 8000; 0: any free port)")
    serve.add_argument("--data-dir", help="folder for recordings (default: your data folder)")
    serve.set_defaults(handler=run_serve)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="threadlab",
        description="See Python threading: run real threading scenarios and watch them live.",
    )
    commands = main.add_subparsers(dest="command", metavar="COMMAND")
    add_serve(commands)
    return main


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves, so the URL we print has the real port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn  # late: `threadlab --help` stays fast

    from app.server import create_app

    given = {"host": args.host, "port": args.port, "data_dir": args.data_dir}
    try:
        settings = Settings(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        print(f"threadlab: invalid setting: {exc}", file=sys.stderr)
        return 2
    try:
        sock = bind(settings.host, settings.port)
    except OSError as exc:
        print(
            f"threadlab: cannot listen on {settings.host}:{settings.port}: {exc}", file=sys.stderr
        )
        return 1
    port = sock.getsockname()[1]
    if not is_loopback(settings.host):
        print(
            f"Warning: listening on {settings.host}: anyone who can reach this machine can "
            "open Threadlab and start runs.",
            file=sys.stderr,
        )
    print(f"Threadlab is running at {url(settings.host, port)}  (Ctrl+C to stop)", flush=True)
    config = uvicorn.Config(
        create_app(settings),
        log_level="warning",
        # A backstop: sse-starlette already ends live streams on Ctrl+C.
        timeout_graceful_shutdown=1,
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl+C once it has shut down
        pass
    print("Threadlab stopped.", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `threadlab`, `threadlab --port 9000`: no subcommand means serve.
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help")):
        args_list.insert(0, DEFAULT_COMMAND)
    args = parser().parse_args(args_list)
    handler = getattr(args, "handler", run_serve)
    return int(handler(args))


if __name__ == "__main__":
    sys.exit(main())
