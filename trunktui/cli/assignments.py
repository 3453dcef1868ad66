"""Values typed on a command line: ``field=value`` to set, and what ``--if-unchanged`` expects.

A value is read by the same model the form reads it with (``Field.parse``),
so the command line takes and refuses exactly what the form does, with the
same words. ``field=null`` is NULL where the member may be NULL, and
``field:=JSON`` gives a value exactly (``description:='"null"'`` is the
text null; ``description=null`` on a member that may not be NULL is
refused, never taken as that text). A trunk's *version* is a short hash of
its members as read (``version``): ``trunks get`` shows it, and
``--if-unchanged VERSION`` refuses a change once the trunk no longer has it.
A token naming a secret is shown as ``password=***`` in every message.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from trunktui.cli.exits import Refusal, UsageError
from trunktui.errors import InputError
from trunktui.model import ABSENT, Schema, format_value, is_secret, redact, same_on_switch
from trunktui.text import printable

NULL = "null"
VERSION_LENGTH = 12
_VERSION = re.compile(f"[0-9a-f]{{{VERSION_LENGTH}}}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def is_assignment(token: str) -> bool:
    """Whether a positional argument is ``name=value`` (or ``name:=json``), not an id."""
    name = token.split("=", 1)[0].removesuffix(":")
    return "=" in token and bool(_NAME.fullmatch(name))


def parse(schema: Schema, tokens: Sequence[str], creating: bool = False) -> dict[str, Any]:
    """The values ``tokens`` give, each checked as the form checks it; ``UsageError`` names the first wrong."""
    offered = {spec.name: spec for spec in schema.editable(creating, {f.name: None for f in schema.fields})}
    values: dict[str, Any] = {}
    for token in tokens:
        name, text, exact = _split(token)
        spec = offered.get(name)
        if spec is None:
            settable = ", ".join(offered)
            raise UsageError(f"{printable(name)!r} is not a member a {schema.noun} can be "
                             f"{'created with' if creating else 'given'}; these are: {settable}")
        if name in values:
            raise UsageError(f"{name} is given twice")
        try:
            values[name] = _value(name, spec.parse, spec.validate, spec.nullable, text, exact)
        except InputError as problem:
            raise UsageError(f"{problem.message} ({_shown(token)})") from None
    return values


def check(schemas: Sequence[Schema], tokens: Sequence[str], creating: bool = False) -> None:
    """Refuse (``UsageError``) before the switch's API is known what every one of ``schemas`` would refuse:
    a token no schema takes (the words of one that has its member), or a member given twice."""
    names: set[str] = set()
    for token in tokens:
        name = _split(token)[0]
        if name in names:
            raise UsageError(f"{name} is given twice")
        names.add(name)
        anywhere(schemas, partial(parse, tokens=[token], creating=creating), name)


def anywhere(schemas: Sequence[Schema], attempt: Callable[[Schema], object], name: str | None = None) -> None:
    """Raise what ``attempt`` raises (``UsageError``) only if it raises it with every schema: the words of the
    first schema that declares the member ``name``, else of the first."""
    refused: list[tuple[Schema, UsageError]] = []
    for schema in schemas:
        try:
            attempt(schema)
        except UsageError as problem:
            refused.append((schema, problem))
        else:
            return
    if refused:
        raise next((problem for schema, problem in refused if name in schema.by_name), refused[0][1])


def _split(token: str) -> tuple[str, str, bool]:
    """``name=text`` as its name, its text, and whether the text is JSON (``name:=json``)."""
    name, text = token.split("=", 1)
    return name.removesuffix(":"), text, name.endswith(":")


def _shown(token: str) -> str:
    """A token as a message may show it: a secret's value never, whether it was accepted or not."""
    name, _, exact = _split(token)
    if is_secret(name):
        return f"{printable(name, 40)}{':=' if exact else '='}***"
    return printable(token, 80)


def _value(name: str, parse: Any, validate: Any, nullable: bool, text: str, exact: bool) -> Any:
    if exact:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise InputError("the value after := is not JSON (text goes in double quotes)") from None
        return validate(value)
    if text == NULL:
        if nullable:
            return None
        raise InputError(f"{name} may not be NULL; for the text null write {name}:='\"null\"'")
    return parse(text)


def version(members: Mapping[str, Any]) -> str:
    """A short hash of a record's members as read: it changes when any member does, but a secret counts only
    as set or not. A hash of a password's value, shown beside every other member, would let a weak password
    be guessed offline; so a change of a password alone leaves the version as it was (``--if-unchanged
    password=…`` checks one)."""
    text = json.dumps(redact(members), sort_keys=True, ensure_ascii=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:VERSION_LENGTH]


@dataclass(frozen=True)
class Expected:
    """What ``--if-unchanged`` asks the record to still hold: a version, and values of members."""

    version: str | None = None
    values: Mapping[str, Any] | None = None

    def check(self, schema: Schema, members: Mapping[str, Any]) -> None:
        """Refuse (``Refusal``) when the record as read now is not as expected; a member it neither has nor
        could have is a mistake in the command (``UsageError``), not a change on the switch."""
        unknown = [name for name in self.values or {} if name not in members and name not in schema.by_name]
        if unknown:
            raise UsageError(f"{printable(unknown[0], 80)!r} is not a member of the {schema.noun} (nor one a "
                             f"{schema.noun} can have), so it cannot be checked; nothing was sent")
        if self.version is not None and version(members) != self.version:
            raise Refusal(f"the {schema.noun} changed on the switch: its version is {version(members)}, not "
                          f"{self.version}; nothing was sent")
        changed = [name for name, value in (self.values or {}).items()
                   if not same_on_switch(value, members.get(name, ABSENT))]
        if changed:
            shown = redact(members)
            now = ", ".join(_now(name, shown.get(name, ABSENT)) for name in changed)
            raise Refusal(f"the {schema.noun} changed on the switch ({now}); nothing was sent")


def _now(name: str, value: Any) -> str:
    """What a member holds now, in a message: NULL, or not sent by the switch, as the app says them."""
    if value is ABSENT:
        return f"{name} was not sent by the switch"
    return f"{name} is {'NULL' if value is None else printable(format_value(value), 60)}"


def expected(schema: Schema, tokens: Sequence[str] | None) -> Expected:
    """``--if-unchanged``'s tokens: a version, and ``name=value`` pairs read as ``parse`` reads them."""
    if not tokens:
        return Expected()
    versions = [token for token in tokens if not is_assignment(token)]
    for token in versions:
        if not _VERSION.fullmatch(token):
            raise UsageError(f"--if-unchanged takes a version ({VERSION_LENGTH} hex digits, as trunks get "
                             f"shows it) or name=value, not {printable(token, 80)!r}")
    if len(set(versions)) > 1:
        raise UsageError("--if-unchanged gives two versions")
    values = _expected_values(schema, [token for token in tokens if is_assignment(token)])
    return Expected(versions[0] if versions else None, values or None)


def _expected_values(schema: Schema, tokens: Sequence[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for token in tokens:
        name, text, exact = _split(token)
        spec = schema.by_name.get(name)
        try:
            if spec is None:
                values[name] = json.loads(text) if exact else text
            else:
                values[name] = _value(name, spec.parse, lambda value: value, spec.nullable, text, exact)
        except (InputError, ValueError, RecursionError) as problem:
            why = problem.message if isinstance(problem, InputError) else "the value after := is not JSON"
            raise UsageError(f"--if-unchanged: {why} ({_shown(token)})") from None
    return values
