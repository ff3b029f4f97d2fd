"""The command line: ``threadlab`` (or ``python -m app``).

    threadlab [serve] [--host H] [--port P] [--data-dir D] [--share]   serve the web app
    threadlab run SCENARIO [--param K=V ...] [--mode M] [--seed N] [--policy P]
                  [--granularity G] [--depth D] [--json]
    threadlab export RUN_ID -o FILE.json|FILE.jsonl [--data-dir D]

Each subcommand is one ``add_<name>`` function below that sets its parser's ``handler``.
Options left out come from the environment (``THREADLAB_<NAME>``) or the defaults in
``app/settings.py``; a run's choices come from ``app.contract`` and the request is checked
by the API's own models.  Exit codes: 0 done, 1 the run or the export failed, 2 bad input.
Runs are supervised in POSIX process groups: on a system without them (Windows outside
WSL) ``serve`` and ``run`` stop at once and say so.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.contract import (
    DEFAULT_GRANULARITY,
    DEFAULT_MODE,
    DEFAULT_POLICY,
    Granularity,
    Mode,
    Policy,
    Status,
)
from app.settings import Settings
from app.share import is_loopback, is_wildcard, lan_addresses, origin, qr_terminal

DEFAULT_COMMAND = "serve"
__all__ = ["is_loopback", "main"]


def add_serve(commands: Any) -> None:
    serve = commands.add_parser("serve", help="serve the web app (the default)")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1; 0.0.0.0 for a LAN)")
    serve.add_argument("--port", type=int, help="port to bind (default 8000; 0: any free port)")
    serve.add_argument("--data-dir", help="folder for recordings (default: your data folder)")
    serve.add_argument(
        "--share",
        action="store_true",
        help="let the class in: bind 0.0.0.0, print the LAN address and its QR code",
    )
    serve.set_defaults(handler=run_serve)


def add_run(commands: Any) -> None:
    run = commands.add_parser(
        "run",
        help="run a scenario in the terminal, without a server",
        description="Run a scenario in its own worker process and print a per-thread "
        "timeline and the verdict (or the events as JSON Lines).",
    )
    run.add_argument("scenario", help="a scenario id, e.g. race or deadlock")
    run.add_argument(
        "-p", "--param", action="append", default=[], metavar="K=V", help="a parameter"
    )
    run.add_argument("--mode", choices=list(Mode), default=DEFAULT_MODE)
    run.add_argument("--seed", type=int, help="controlled mode: the seed (default: random)")
    unattended = [policy for policy in Policy if policy != Policy.MANUAL]  # no one to step
    run.add_argument("--policy", choices=unattended, default=DEFAULT_POLICY)
    run.add_argument(
        "--granularity", choices=list(Granularity), help=f"default {DEFAULT_GRANULARITY}"
    )
    run.add_argument("--depth", type=int, help="PCT's depth (controlled mode, policy pct)")
    run.add_argument(
        "--gil-lane",
        action="store_true",
        help="free mode: measure which thread holds the GIL (slows pure-Python code ~10x)",
    )
    run.add_argument("--json", action="store_true", help="print the events as JSON Lines")
    run.add_argument("--width", type=int, default=64, help="timeline columns (default 64)")
    run.set_defaults(handler=run_scenario)


def add_export(commands: Any) -> None:
    export = commands.add_parser("export", help="write a recorded run to a file")
    export.add_argument("run_id", help="the run's id, as in its link /runs/<id>")
    export.add_argument(
        "-o", "--output", required=True, help="FILE.json: Chrome trace; FILE.jsonl: events"
    )
    export.add_argument("--data-dir", help="folder of the recordings (default: yours)")
    export.set_defaults(handler=run_export)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="threadlab",
        description="See Python threading: run real threading scenarios and watch them live.",
    )
    commands = main.add_subparsers(dest="command", metavar="COMMAND")
    add_serve(commands)
    add_run(commands)
    add_export(commands)
    return main


def fail(message: str, code: int = 2) -> int:
    print(f"threadlab: {message}", file=sys.stderr)
    return code


def settings_from(**given: Any) -> Settings:
    return Settings(**{k: v for k, v in given.items() if v is not None})


def cannot_supervise() -> str | None:
    """Why runs cannot be supervised on this system, or None (see the module docstring)."""
    from app.runs.process import unsupported_reason

    return unsupported_reason()


# ---- serve --------------------------------------------------------------------------


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves, so the URL we print has the real port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns TCP_NODELAY on only for sockets that say they
    # are TCP; without it every keep-alive answer waited ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def url(host: str, port: int) -> str:
    return origin("127.0.0.1" if is_wildcard(host) else host, port)


def print_share(port: int) -> None:
    """The LAN address for the class, and its QR code for phones."""
    addresses = lan_addresses()
    if not addresses:
        print("No network address found: connect to the classroom network to share.")
        return
    link = origin(addresses[0], port)
    print(f"Share with the class: {link}", flush=True)
    for other in addresses[1:]:
        print(f"                  or: {origin(other, port)}")
    encoding = (getattr(sys.stdout, "encoding", None) or "ascii").lower()
    qr_terminal(link, sys.stdout, compact=encoding.startswith("utf"))
    sys.stdout.flush()


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn  # late: `threadlab --help` stays fast

    if reason := cannot_supervise():
        return fail(reason, 1)

    from app.server import create_app

    if args.share and args.host is not None and not is_wildcard(args.host):
        return fail(f"--share listens on 0.0.0.0; leave out --host {args.host}.")
    host = "0.0.0.0" if args.share else args.host
    try:
        settings = settings_from(host=host, port=args.port, data_dir=args.data_dir)
    except ValidationError as exc:
        return fail(f"invalid setting: {exc}")
    try:
        sock = bind(settings.host, settings.port)
    except OSError as exc:
        return fail(f"cannot listen on {settings.host}:{settings.port}: {exc}", 1)
    port = sock.getsockname()[1]
    if not is_loopback(settings.host):
        print(
            f"Warning: listening on {settings.host}: anyone who can reach this machine can "
            "open Threadlab and start runs.",
            file=sys.stderr,
        )

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            # Only now: the recordings are open and the socket accepts connections.
            print(f"Threadlab is running at {url(settings.host, port)}  (Ctrl+C to stop)")
            sys.stdout.flush()
            if args.share:
                print_share(port)

    config = uvicorn.Config(
        create_app(settings),
        log_level="warning",
        # A backstop: sse-starlette already ends live streams on Ctrl+C.
        timeout_graceful_shutdown=1,
    )
    try:
        Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl+C once it has shut down
        pass
    print("Threadlab stopped.", flush=True)
    return 0


# ---- run ----------------------------------------------------------------------------


def parse_params(scenario_id: str, pairs: list[str]) -> dict[str, Any]:
    """``["threads=4", "fair=true"]`` → ``{"threads": 4, "fair": True}``, typed by the
    scenario's parameters as a demo link's are (the registry then checks the values).
    ValueError if a pair has no ``=``."""
    from app.api.demo import text_params

    texts: dict[str, str] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"--param takes NAME=VALUE, e.g. --param threads=4; got {pair!r}.")
        texts[name] = text
    return text_params(scenario_id, texts)


def run_request(args: argparse.Namespace, params: dict[str, Any]) -> Any:
    """The run the command line asks for, checked by the API's model of a run request;
    ValueError with the API's sentences if it is not one."""
    from pydantic import TypeAdapter

    from app.api.handlers import sentence
    from app.api.schemas import RunRequest

    body: dict[str, Any] = {"scenario": args.scenario, "params": params, "mode": args.mode}
    body.update({k: v for k, v in (("seed", args.seed), ("policy", args.policy)) if v})
    if getattr(args, "gil_lane", False):
        body["gil_lane"] = True
    options = {k: v for k, v in (("granularity", args.granularity), ("depth", args.depth)) if v}
    if options:
        body["options"] = options
    try:
        return TypeAdapter(RunRequest).validate_python(body)
    except ValidationError as exc:
        raise ValueError(" ".join(sentence(e, "--") for e in exc.errors())) from None


async def run_once(settings: Settings, request: Any) -> Any:
    """One run through the run manager, as the server runs it, with no server around."""
    from app.api.schemas import options_of
    from app.runs.manager import RunManager

    manager = RunManager(settings)
    await manager.start()
    try:
        run = manager.submit(
            request.scenario,
            request.params,
            request.mode,
            request.seed,
            request.policy,
            options_of(request),
        )
        async for _ in run.log.follow():
            pass
        return run
    finally:
        await manager.stop()


def run_scenario(args: argparse.Namespace) -> int:
    from app.analysis.lanes import render
    from app.errors import ScenarioNotFound, ThreadlabError
    from app.runs.exports import about, jsonl
    from app.runs.manager import check_scenario
    from app.scenarios import registry

    if reason := cannot_supervise():
        return fail(reason, 1)
    try:
        settings = settings_from()
        request = run_request(args, parse_params(args.scenario, args.param))
        check_scenario(args.scenario, request.params, request.mode)  # before any process starts
        run = asyncio.run(run_once(settings, request))
    except (ValidationError, ValueError) as exc:
        return fail(str(exc))
    except ScenarioNotFound as exc:
        known = ", ".join(s.id for s in registry.scenarios())
        return fail(f"{exc.message} The scenarios are: {known}.")
    except ThreadlabError as exc:
        return fail(exc.message)
    except KeyboardInterrupt:
        return 130
    if args.json:
        for chunk in jsonl(run):
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
    else:
        ascii = not (getattr(sys.stdout, "encoding", None) or "").lower().startswith("utf")
        facts = {**about(run), "verdict": run.verdict, "message": run.message}
        print(render(facts, run.log.events, args.width, ascii), end="")
    return 0 if run.status in (Status.FINISHED, Status.DEADLOCKED) else 1


# ---- export -------------------------------------------------------------------------


def run_export(args: argparse.Namespace) -> int:
    from app.runs.exports import jsonl, trace_json
    from app.runs.recordings import restore
    from app.runs.store import SqliteStore

    output = Path(args.output)
    if output.suffix not in (".json", ".jsonl"):
        return fail(f"-o must end in .json (a Chrome trace) or .jsonl (the events): {output}")
    try:
        settings = settings_from(data_dir=args.data_dir)
    except ValidationError as exc:
        return fail(f"invalid setting: {exc}")
    if not settings.recordings.is_file():
        return fail(f"there are no recordings in {settings.data_dir}.", 1)
    store = SqliteStore(settings.recordings)
    try:
        record = store.get(args.run_id)
        if record is None:
            return fail(f"run '{args.run_id}' is not recorded in {settings.data_dir}.", 1)
        run = restore(record, store.events(args.run_id))
    finally:
        store.close()
    content = trace_json(run) if output.suffix == ".json" else b"".join(jsonl(run))
    try:
        output.write_bytes(content)
    except OSError as exc:
        return fail(f"cannot write {output}: {exc}", 1)
    print(f"Wrote {output}: {len(run.log):,} events of run {run.id} ({run.scenario}).")
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
