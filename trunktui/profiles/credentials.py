"""Where a profile's password comes from, in a fixed order.

1. ``TRUNKTUI_PASSWORD`` in the environment, for the connection trunktui
   starts with only (``--url``, or the profile chosen at start): a profile
   switched to later may be another login on another switch, and a password
   given for one must never be sent to another;
2. the profile's ``password_command`` (a password manager, say);
3. a ``password`` in the profiles file, which the loader accepts only from
   a file private to its owner;
4. nothing: the app then asks with a masked prompt.

Plain text is never the default, and a failing command is reported with
what it said, so the operator can fix it rather than guess.
"""

from __future__ import annotations

import os
import selectors
import shlex
import subprocess
import time

from trunktui.errors import TrunkTuiError
from trunktui.profiles.config import Profile
from trunktui.text import printable

PASSWORD_VARIABLE = "TRUNKTUI_PASSWORD"
COMMAND_TIMEOUT = 30.0
OUTPUT_LIMIT = 64 * 1024
"""The most a password_command may print: a password is one short line, so
more is a mistake (the wrong command), and is not read into memory."""
STDERR_KEPT = 4096
EXIT_GRACE = 0.5
"""How long output is still read once the command has exited. What it
printed is in the pipe by then; the pipe stays open only if a process it
started holds it (``sleep 60 &``), and that must not make it look silent."""
_CHUNK = 16 * 1024
_EXIT_CHECK = 0.05


class CredentialError(TrunkTuiError):
    """The password could not be obtained the way the profile says."""


class _OutputTooLong(Exception):
    """The command printed more than ``OUTPUT_LIMIT`` and was killed."""


def run_password_command(command: str, profile: str) -> str:
    """Run ``command`` (no shell) and return the first line it prints."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise CredentialError(f"password_command of profile {profile!r} cannot be parsed: {exc}.") from None
    if not argv:
        raise CredentialError(f"password_command of profile {profile!r} is empty.")
    try:
        returncode, stdout, stderr = _run(argv)
    except FileNotFoundError:
        raise CredentialError(f"password_command of profile {profile!r}: {argv[0]!r} was not found.") from None
    except subprocess.TimeoutExpired:
        raise CredentialError(
            f"password_command of profile {profile!r} gave no answer within {COMMAND_TIMEOUT:g} s."
        ) from None
    except _OutputTooLong:
        raise CredentialError(
            f"password_command of profile {profile!r} printed more than {OUTPUT_LIMIT // 1024} KiB and was "
            "stopped; a password is one short line. Is it the right command?"
        ) from None
    except OSError as exc:
        raise CredentialError(f"password_command of profile {profile!r} could not run: {exc.strerror}.") from None
    if returncode != 0:
        said = printable(" ".join(stderr.decode(errors="replace").split()), 200) or "nothing on stderr"
        raise CredentialError(f"password_command of profile {profile!r} failed (exit {returncode}): {said}")
    try:
        printed = stdout.decode()
    except UnicodeDecodeError:
        raise CredentialError(f"password_command of profile {profile!r} printed something that is not UTF-8 "
                              "text; a password must be.") from None
    password = printed.splitlines()[0] if printed else ""
    if not password:
        raise CredentialError(f"password_command of profile {profile!r} printed no password.")
    return password


def _run(argv: list[str]) -> tuple[int, bytes, bytes]:
    """Run ``argv`` with a deadline; return its exit status, its stdout and the start of its stderr.

    The pipes are read as the command writes, so no more than
    ``OUTPUT_LIMIT`` of stdout is ever held: past it, or past the deadline,
    the command is killed. Stderr is drained to its end so the command
    cannot block on it, but only its start is kept, to quote. Once the
    command has exited, the pipes are read for ``EXIT_GRACE`` more at most.
    """
    deadline = time.monotonic() + COMMAND_TIMEOUT
    stdout, stderr = bytearray(), bytearray()
    with (
        subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process,
        selectors.DefaultSelector() as selector,
    ):
        try:
            assert process.stdout is not None and process.stderr is not None
            selector.register(process.stdout, selectors.EVENT_READ, stdout)
            selector.register(process.stderr, selectors.EVENT_READ, stderr)
            exited = False
            while selector.get_map():
                if not exited and process.poll() is not None:
                    exited = True
                    deadline = min(deadline, time.monotonic() + EXIT_GRACE)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if exited:
                        break
                    raise subprocess.TimeoutExpired(argv, COMMAND_TIMEOUT)
                for key, _ in selector.select(remaining if exited else min(remaining, _EXIT_CHECK)):
                    chunk = os.read(key.fd, _CHUNK)
                    if not chunk:
                        selector.unregister(key.fileobj)
                    elif key.data is stdout:
                        stdout += chunk
                        if len(stdout) > OUTPUT_LIMIT:
                            raise _OutputTooLong
                    else:
                        stderr += chunk[: max(STDERR_KEPT - len(stderr), 0)]
            returncode = process.wait(max(deadline - time.monotonic(), 0))
        except BaseException:
            process.kill()
            raise
    return returncode, bytes(stdout), bytes(stderr)


def profile_password(profile: Profile) -> str | None:
    """The profile's own password (its command's, or its file's), or None when the user must be asked.

    This is what a profile switched to in the app uses: never the environment's.
    """
    if profile.password_command:
        return run_password_command(profile.password_command, profile.name)
    return profile.password


def resolve_password(profile: Profile | None) -> str | None:
    """The password of the connection trunktui starts with, by the order above, or None when the user must be asked."""
    from_environment = os.environ.get(PASSWORD_VARIABLE)
    if from_environment:
        return from_environment
    return None if profile is None else profile_password(profile)
