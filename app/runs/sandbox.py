"""The sandbox every worker runs in where it works: Debian's ``bubblewrap`` (``bwrap``).

``status()`` tries the sandbox once (cached; ``status.cache_clear()`` tries again) and
says in a sentence why it cannot be used when it cannot: not installed, or refused by
the kernel or a container's profile (Docker's default one blocks its mounts).
``command()`` wraps a worker's argv in it:

- no network (a namespace with only its own loopback), no IPC, its own hostname;
- its own PID namespace: the worker is not PID 1's parent's business — killing bwrap
  (``--die-with-parent``, in the run's process group) kills every process of the run,
  even one that called setsid() (``--new-session``: no terminal to inject into either);
- a read-only view of only what the interpreter needs: /usr and the /lib links, three
  files of /etc, the interpreter's prefixes (a venv and its base) and the ``app``
  package; not the home folders, not the data dir nor the recordings database;
- a private /tmp and /dev/shm (small tmpfs), and the run's working directory read-write.

Who the program runs as.  As root, bwrap runs privileged (no user namespace: a uid
mapped inside one is still root outside, and root is exempt from RLIMIT_NPROC), so the
sandbox's own root drops to a real unprivileged uid with ``setpriv`` before the
interpreter starts; the paths the interpreter needs may lie below /root (0700), which is
why bwrap, not that uid, opens them, and why the folders leading to them are made 0755
inside.  As any other user, bwrap makes a user namespace (``--unshare-user``): the
program keeps the server's uid there, but RLIMIT_NPROC then counts only the namespace's
processes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

PROBE_TIMEOUT = 5.0
TMPFS_SIZE = 64 << 20  # bytes of /tmp and of /dev/shm: they are memory
PROBE_UID = 65534  # nobody: who the probe drops to when we are root
_PROBE_ENV = {"PATH": "/usr/bin:/bin"}
NAMESPACES = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
NAMESPACES += ["--unshare-cgroup-try", "--hostname", "threadlab", "--die-with-parent"]
NAMESPACES += ["--new-session"]
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# The loader's cache, the time zone, and "localhost" for a program's own sockets.
ETC = ("/etc/ld.so.cache", "/etc/localtime", "/etc/hosts")
# What a fresh interpreter says about itself: the binary and every prefix it reads.
ASK_PYTHON = (
    "import json, sys; print(json.dumps([sys.executable, sys.prefix, sys.base_prefix, "
    "sys.exec_prefix, sys.base_exec_prefix]))"
)


@dataclass(frozen=True)
class SandboxStatus:
    available: bool
    bwrap: str | None  # the path of the working bwrap
    reason: str  # why it is not available ("" when it is)


@lru_cache(maxsize=1)
def status() -> SandboxStatus:
    """Does the sandbox work here?  One try of ``command()``'s own flags, running true."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return SandboxStatus(False, None, "bubblewrap (bwrap) is not installed")
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return SandboxStatus(False, None, "setpriv (util-linux) is not installed")
    probe = [*_bwrap(bwrap, [], None, PROBE_UID if os.geteuid() == 0 else None), "true"]
    try:
        done = subprocess.run(
            probe, capture_output=True, timeout=PROBE_TIMEOUT, check=False, env=_PROBE_ENV
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return SandboxStatus(False, None, f"bubblewrap could not start: {exc}")
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        why = said[-1] if said else f"exit code {done.returncode}"
        return SandboxStatus(False, None, f"bubblewrap does not work here ({why})")
    return SandboxStatus(True, bwrap, "")


@lru_cache(maxsize=8)
def interpreter(python: str) -> tuple[str, tuple[str, ...]]:
    """The binary ``python`` runs (a venv's, not a pyenv shim) and the folders it reads;
    OSError if it cannot say."""
    try:
        done = subprocess.run(
            [python, "-I", "-c", ASK_PYTHON],
            capture_output=True,
            timeout=PROBE_TIMEOUT,
            check=True,
        )
        executable, *prefixes = json.loads(done.stdout)
    except (subprocess.SubprocessError, ValueError) as exc:
        raise OSError(f"{python} could not say where it is installed: {exc}") from None
    folders = [*prefixes, os.path.dirname(executable)]
    # A symlinked prefix is bound at both names: the links inside may use either.
    folders += [os.path.realpath(path) for path in folders]
    return executable, tuple(folders)


def command(
    argv: list[str], readable: Iterable[str], workdir: str, uid: int | None, env: dict[str, str]
) -> list[str]:
    """``argv`` (its interpreter as ``interpreter()`` names it) inside the sandbox,
    seeing ``readable`` read-only and ``workdir`` read-write as its working directory,
    as ``uid`` (only when we are root), with exactly ``env`` — bwrap's argv before it."""
    box = status()
    assert box.bwrap is not None, "command() needs a working sandbox"
    return [*_bwrap(box.bwrap, readable, workdir, uid, env), *argv]


def _bwrap(
    bwrap: str,
    readable: Iterable[str],
    workdir: str | None,
    uid: int | None,
    env: dict[str, str] | None = None,
) -> list[str]:
    args = [bwrap, *NAMESPACES]
    if os.geteuid() != 0:
        args += ["--unshare-user", "--disable-userns"]
    for path in SYSTEM:
        if os.path.islink(path):  # merged /usr: /lib -> usr/lib
            args += ["--symlink", os.readlink(path), path]
        else:
            args += ["--ro-bind-try", path, path]
    args += ["--perms", "0755", "--dir", "/etc"]
    for path in ETC:
        args += ["--ro-bind-try", path, path]
    args += ["--proc", "/proc", "--dev", "/dev"]
    for tmp in ("/tmp", "/dev/shm"):
        args += ["--perms", "1777", "--size", str(TMPFS_SIZE), "--tmpfs", tmp]
    made = {"/", "/etc", "/proc", "/dev", "/tmp", "/dev/shm"}
    for path in _outermost(readable):
        args += [*_parents(path, made), "--ro-bind", path, path]
    if workdir is not None:
        args += [*_parents(workdir, made), "--bind", workdir, workdir, "--chdir", workdir]
    if env is not None:
        args.append("--clearenv")
        for name, value in env.items():
            args += ["--setenv", name, value]
    if uid is not None:
        setpriv = shutil.which("setpriv") or "setpriv"
        args += [setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
        args += ["--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"]
    return args


def _outermost(paths: Iterable[str]) -> list[str]:
    """The existing ``paths`` not already inside /usr or another one of them."""
    kept: list[str] = []
    for path in sorted({os.path.normpath(p) for p in paths if os.path.isdir(p)}):
        if not any(_inside(path, outer) for outer in [*SYSTEM, *kept]):
            kept.append(path)
    return kept


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _parents(path: str, made: set[str]) -> list[str]:
    """Create the folders leading to ``path``, readable by all: privileged bwrap makes
    them 0700, which the dropped uid could not pass."""
    args: list[str] = []
    parts = path.strip("/").split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        folder = "/" + "/".join(parts[:depth])
        if folder not in made:
            made.add(folder)
            args += ["--perms", "0755", "--dir", folder]
    return args
