"""Connection profiles: a TOML file naming the switches and customers in use.

The file lives in the user's config directory (``TRUNKTUI_CONFIG`` names
another). Mistakes in it are reported with the file, the line and what was
expected, before any screen opens: a NOC operator fixing a profile at 3 a.m.
should not have to guess. A ``password`` in the file is honoured only when
the file is private to its owner, the way ssh treats private keys.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from platformdirs import user_config_path

from trunktui.api.connection import customer_id_problem, timeout_problem
from trunktui.errors import TrunkTuiError
from trunktui.fanout import DEFAULT_CONCURRENCY, MOST_CONCURRENCY
from trunktui.versions import API_CHOICES

CONFIG_VARIABLE = "TRUNKTUI_CONFIG"
MODES = ("digest", "trusted")


class ConfigError(TrunkTuiError):
    """The profiles file is unreadable, malformed or inconsistent."""

    def __init__(self, path: Path, problem: str, line: int | None = None) -> None:
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line


@dataclass(frozen=True)
class Profile:
    """One switch and customer to connect to, with how to treat it."""

    name: str
    url: str
    mode: str = "digest"
    username: str = ""
    i_customer: int | None = None
    label: str = ""
    verify: bool = True
    ca_bundle: str | None = None
    timeout: float = 30.0
    read_only: bool = False
    production: bool = False
    api: str = "auto"
    concurrency: int = DEFAULT_CONCURRENCY
    password_command: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def trusted(self) -> bool:
        return self.mode == "trusted"

    @property
    def title(self) -> str:
        return self.label or self.name


def _accepted(hint: Any) -> tuple[type, ...]:
    """The TOML value types a field's annotation accepts (a float also takes an int)."""
    kinds = tuple(kind for kind in typing.get_args(hint) if kind is not type(None)) or (hint,)
    return (float, int) if kinds == (float,) else kinds


_HINTS = typing.get_type_hints(Profile)
_KEY_TYPES = {f.name: _accepted(_HINTS[f.name]) for f in fields(Profile) if f.name != "name"}
_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}


def config_path() -> Path:
    override = os.environ.get(CONFIG_VARIABLE)
    return Path(override).expanduser() if override else user_config_path("trunktui") / "profiles.toml"


@dataclass(frozen=True)
class Config:
    """Every profile in the file, and which one to use when none is named."""

    path: Path
    profiles: dict[str, Profile]
    default: str | None = None

    def profile(self, name: str | None) -> Profile:
        chosen = name or self.default
        if chosen is None:
            if len(self.profiles) == 1:
                return next(iter(self.profiles.values()))
            raise ConfigError(self.path, "name a profile with --profile, or set default = \"NAME\" in the file")
        if chosen not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ConfigError(self.path, f"no profile named {chosen!r} (profiles: {known})")
        return self.profiles[chosen]


def _line_of(text: str, table: str | None, key: str | None) -> int | None:
    """The line where ``key`` is set in ``[table]``, or of the table header."""
    lines = text.splitlines()
    start = 0
    if table is not None:
        header = re.compile(r"^\s*\[\s*profiles\s*\.\s*(?:\"" + re.escape(table) + r"\"|'" + re.escape(table)
                            + r"'|" + re.escape(table) + r")\s*\]")
        start = next((i for i, line in enumerate(lines) if header.match(line)), -1)
        if start < 0:
            return None
        if key is None:
            return start + 1
        start += 1
    assignment = re.compile(r"^\s*(?:\"" + re.escape(key or "") + r"\"|" + re.escape(key or "") + r")\s*=")
    for index in range(start, len(lines)):
        if index > start and lines[index].lstrip().startswith("[") and table is not None:
            break
        if assignment.match(lines[index]):
            return index + 1
    return None


def _toml(value: Any) -> str:
    """A value as the file spells it: true, not Python's True."""
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _is_private(path: Path) -> bool:
    return not stat.S_IMODE(path.stat().st_mode) & 0o077


def _others_can_write(path: Path) -> bool:
    return bool(stat.S_IMODE(path.stat().st_mode) & 0o022)


def _profile(path: Path, text: str, name: str, table: Any) -> Profile:
    if not isinstance(table, dict):
        raise ConfigError(path, f"profiles.{name} must be a table ([profiles.{name}])", _line_of(text, None, name))
    values: dict[str, Any] = {}
    for key, value in table.items():
        expected = _KEY_TYPES.get(key)
        if expected is None:
            raise ConfigError(path, f"unknown key {key!r} in profile {name!r}; expected one of "
                              + ", ".join(_KEY_TYPES), _line_of(text, name, key))
        if key == "api" and value not in API_CHOICES:
            raise ConfigError(path, f"api must be {' or '.join(f'{choice!r}' for choice in API_CHOICES)} (quoted), "
                              f"not {_toml(value)}", _line_of(text, name, key))
        if (isinstance(value, bool) and bool not in expected) or not isinstance(value, expected):
            raise ConfigError(path, f"{key} must be {_TYPE_NAMES[expected[0]]}, not {value!r}",
                              _line_of(text, name, key))
        values[key] = value
    if "url" not in values:
        raise ConfigError(path, f"profile {name!r} has no url", _line_of(text, name, None))
    mode = values.get("mode", "digest")
    if mode not in MODES:
        raise ConfigError(path, f"mode must be \"digest\" or \"trusted\", not {mode!r}", _line_of(text, name, "mode"))
    if mode == "trusted" and "i_customer" not in values:
        raise ConfigError(path, f"profile {name!r} is trusted but has no i_customer", _line_of(text, name, None))
    if mode == "digest" and not values.get("username"):
        raise ConfigError(path, f"profile {name!r} needs a username (or mode = \"trusted\")",
                          _line_of(text, name, None))
    if "i_customer" in values and (problem := customer_id_problem(values["i_customer"])) is not None:
        raise ConfigError(path, f"i_customer {problem}, not {values['i_customer']}", _line_of(text, name, "i_customer"))
    if "timeout" in values and (problem := timeout_problem(values["timeout"])) is not None:
        raise ConfigError(path, f"timeout {problem}, not {values['timeout']:g}", _line_of(text, name, "timeout"))
    if "concurrency" in values and not 1 <= values["concurrency"] <= MOST_CONCURRENCY:
        raise ConfigError(path, f"concurrency must be 1 to {MOST_CONCURRENCY}, not "
                          f"{values['concurrency']}", _line_of(text, name, "concurrency"))
    mode_text = oct(stat.S_IMODE(path.stat().st_mode))[2:]
    if "password" in values and not _is_private(path):
        raise ConfigError(path, f"profile {name!r} has a password, but the file can be read by others "
                          f"(mode {mode_text}). Run 'chmod 600 {path}', or use password_command instead.",
                          _line_of(text, name, "password"))
    if "password_command" in values and _others_can_write(path):
        raise ConfigError(path, f"profile {name!r} runs a password_command, but others can write the file "
                          f"(mode {mode_text}), so they could choose what it runs. Run 'chmod go-w {path}'.",
                          _line_of(text, name, "password_command"))
    if "ca_bundle" in values:
        values["ca_bundle"] = str(Path(values["ca_bundle"]).expanduser())
    return Profile(name=name, **values)


def load_config(path: Path | None = None) -> Config | None:
    """Read the profiles file; None when there is none."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot read the file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(path, f"not valid TOML: {problem}", int(found.group(1)) if found else None) from None
    for key in data:
        if key not in ("default", "profiles"):
            raise ConfigError(path, f"unknown top-level key {key!r}; expected default and [profiles.NAME] tables",
                              _line_of(text, None, key))
    default = data.get("default")
    if default is not None and not isinstance(default, str):
        raise ConfigError(path, "default must be a profile name in quotes", _line_of(text, None, "default"))
    tables = data.get("profiles", {})
    if not isinstance(tables, dict):
        raise ConfigError(path, "profiles must be tables: [profiles.NAME]", _line_of(text, None, "profiles"))
    profiles = {name: _profile(path, text, name, table) for name, table in tables.items()}
    if default is not None and default not in profiles:
        raise ConfigError(path, f"default names {default!r}, which is not a profile", _line_of(text, None, "default"))
    return Config(path, profiles, default)


SAMPLE = """\
# trunktui connection profiles.
# Start with:  trunktui --profile NAME   (or just trunktui, for the default)
# Passwords: $TRUNKTUI_PASSWORD first (for the profile trunktui starts with
# only, never one switched to later), then password_command, and otherwise a
# masked prompt. A plain 'password = "..."' is accepted only while this file
# is private to you (chmod 600).

# The default works as it is, with the simulator that comes with trunktui:
# run  trunktui sim --trust 127.0.0.1  in another terminal, then  trunktui
default = "sim"

[profiles.sim]
label = "Local simulator"
url = "http://127.0.0.1:8080"                # where trunktui sim listens
mode = "trusted"                             # no login: the simulator trusts this machine (--trust)
i_customer = 1                               # the demo customer acme

# A real switch: put in its address and your login, and uncomment what you need.
[profiles.lab]
label = "Lab switch"
url = "https://sippy-lab.example.net"        # host, host:port or full URL
mode = "digest"                              # digest (login) or trusted
username = "noc-api"
# password_command = "pass show sippy/lab"   # prints the password on stdout; without it you are asked
# ca_bundle = "~/.config/trunktui/lab-ca.pem" # for a self-signed certificate
# verify = false                             # no TLS verification: trusted networks only
timeout = 30
read_only = false
# api = "auto"                               # or "2020" / "2022" when the switch's version is known
# concurrency = 4                     # calls at once to search every account or change many trunks (1-16)
production = false

[profiles.production]
label = "PROD Amsterdam"
url = "sippy-ams.example.net"
username = "noc-api"
# password_command = "pass show sippy/prod"
read_only = true                             # lookups only: no create, edit or delete
production = true                            # red header; deleting asks for the trunk's name

[profiles.trusted]
label = "Management host, customer 42"
url = "10.0.0.5:8443"
mode = "trusted"                             # no login; the switch trusts this address
i_customer = 42
"""


def write_sample(path: Path | None = None) -> Path:
    """Write the commented sample; never over an existing file."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(SAMPLE)
    except FileExistsError:
        raise ConfigError(path, "already exists; edit it, or remove it first") from None
    path.chmod(0o600)
    return path
