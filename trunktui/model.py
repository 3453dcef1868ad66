"""The one declaration of a trunk's fields, and the objects the API returns.

``TRUNK_FIELDS`` transcribes the trunks API document: each member's wire
name, type, whether NULL is allowed, whether it is a secret, whether it is
required on create and may be updated, plus a label and a line of help. The
client validates with it before sending, the simulator validates with it on
receipt and builds its table from it, and the UI derives its columns and form
from it. Nothing else lists trunk fields.

Servers may return members this declaration does not know; ``Trunk`` keeps
them so they can be shown, never dropped.
"""

from __future__ import annotations

import ipaddress
import math
import re
import reprlib
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from trunktui.errors import InputError

# Arrays and structs are shown bounded: a hostile switch may nest them thousands deep.
_CONTAINERS = reprlib.Repr()
_CONTAINERS.maxlevel, _CONTAINERS.maxlist, _CONTAINERS.maxdict = 3, 20, 20
_CONTAINERS.maxstring = _CONTAINERS.maxother = 200

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
FIRST_ID = 1
"""The lowest id a switch gives a customer, an account or a trunk."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HOST_PORT = re.compile(r"^(?:\[(?P<ipv6>[^\]]+)\]|(?P<host>[^:\[\]]+))(?::(?P<port>[0-9]{1,5}))?$")
_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")
_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class Kind(Enum):
    """The XML-RPC type of a member."""

    STRING = "string"
    INTEGER = "integer"
    DOUBLE = "double"
    BOOLEAN = "boolean"


class OnCreate(Enum):
    """Whether createTrunk needs, accepts or refuses a member."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    NEVER = "never"


def host_port_problem(text: str) -> str | None:
    """What is wrong with ``host``, ``host:port`` or ``[IPv6]:port``, or None; a port is 1 to 65535."""
    match = _HOST_PORT.match(text)
    if match is None:
        return "must be a host or IP address, optionally followed by :port"
    if match["ipv6"] is not None:
        if ip_problem(match["ipv6"]) is not None or ":" not in match["ipv6"]:
            return "has an invalid IPv6 address in [brackets]"
    else:
        host = match["host"]
        labels = host.rstrip(".").split(".")
        if all(label.isascii() and label.isdigit() for label in labels):
            if ip_problem(host) is not None:
                return "has an invalid IPv4 address"
        elif not all(_HOST_LABEL.match(label) for label in labels):
            return "must be a host or IP address, optionally followed by :port"
    port = match["port"]
    if port is not None and not 1 <= int(port) <= 65535:
        return "port must be between 1 and 65535"
    return None


def ip_problem(text: str) -> str | None:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return "must be an IPv4 or IPv6 address"
    return None


def whole_number(text: str, lowest: int = INT32_MIN, highest: int = INT32_MAX) -> int:
    """``text`` as a whole number from ``lowest`` to ``highest``; ValueError says what is wrong, in words
    that follow a name ("must be a whole number").

    Every number a user types, in a form or on the command line, is written
    one way: ASCII digits after an optional sign. Python's ``int`` would also
    take other scripts' digits (an Arabic-Indic one) and ``1_0``, which nobody
    means as ten; and converting thousands of digits is slow, so the length is
    checked first.
    """
    stripped = text.strip()
    if not stripped.isascii():
        raise ValueError("must be written with the digits 0-9")
    if not _WHOLE.fullmatch(stripped):
        raise ValueError("must be a whole number")
    widest = max(len(str(abs(lowest))), len(str(abs(highest))))
    if len(stripped.lstrip("+-0")) > widest or not lowest <= int(stripped) <= highest:
        raise ValueError(f"must be between {lowest} and {highest}")
    return int(stripped)


def decimal_number(text: str) -> float:
    """``text`` as a number written with ASCII digits, a sign, a point and an exponent; ValueError says what
    is wrong. ``float`` would also take other scripts' digits (``٣.5``), ``1_000`` and ``inf``."""
    stripped = text.strip()
    if not stripped.isascii():
        raise ValueError("must be written with the digits 0-9")
    if not _DECIMAL.fullmatch(stripped):
        raise ValueError("must be a number, such as 2 or 2.5")
    return float(stripped)


@dataclass(frozen=True)
class Field:
    """One trunk member: its wire name, type and the rules a value obeys."""

    name: str
    kind: Kind
    label: str
    help: str
    nullable: bool = False
    secret: bool = False
    on_create: OnCreate = OnCreate.OPTIONAL
    updatable: bool = True
    in_table: bool = False
    minimum: float | None = None
    max_length: int | None = None
    check: Callable[[str], str | None] | None = field(default=None, compare=False)
    words: tuple[str, ...] = ()
    """Words an integer member also takes on an update (``order_no``: "up"); ``create_words`` on a create."""
    create_words: tuple[str, ...] = ()
    rare: bool = False
    """Seen in one public client only: shown and offered only when the switch returns it."""

    @property
    def bounds(self) -> tuple[int, int]:
        """The lowest and highest value of an integer member: its minimum, if any, to the 32-bit maximum."""
        return (INT32_MIN if self.minimum is None else int(self.minimum)), INT32_MAX

    @property
    def default(self) -> Any:
        """What a server stores when createTrunk leaves the member out."""
        if self.nullable:
            return None
        return {Kind.STRING: "", Kind.BOOLEAN: False, Kind.INTEGER: 0, Kind.DOUBLE: 0.0}[self.kind]

    def truth(self, value: Any) -> bool | None:
        """A boolean member's value as true or false; some switches send ``<int>`` 0 or 1. None if neither."""
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return value == 1
        return None

    @staticmethod
    def switch_word(truth: bool) -> str:
        """A boolean member's value in the words of the form's switch, wherever it is shown."""
        return "on" if truth else "off"

    def validate(self, value: Any) -> Any:
        """Return ``value`` ready for the wire, or raise ``InputError``.

        The checks are the same on both sides of the wire, so the client
        refuses locally exactly what the simulator would refuse.
        """
        if value is None:
            if self.nullable:
                return None
            raise self._error("may not be NULL")
        if self.kind is Kind.BOOLEAN:
            if not isinstance(value, bool):
                raise self._error("must be true or false")
            return value
        if self.kind is Kind.INTEGER:
            if isinstance(value, str) and value in self.words:
                return value
            if isinstance(value, bool) or not isinstance(value, int):
                raise self._error(self._whole_number_or_word())
            lowest, highest = self.bounds
            if not lowest <= value <= highest:
                raise self._error(f"must be between {lowest} and {highest}")
            return value
        if self.kind is Kind.DOUBLE:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self._error("must be a number")
            if abs(value) > sys.float_info.max or not math.isfinite(value):
                raise self._error("must be a finite number")
            if self.minimum is not None and value < self.minimum:
                raise self._error(f"may not be less than {format_value(self.minimum)}")
            return 0.0 if value == 0 else float(value)
        if not isinstance(value, str):
            raise self._error("must be text")
        if _CONTROL.search(value):
            raise self._error("may not contain control characters")
        if self.max_length is not None and len(value) > self.max_length:
            raise self._error(f"may be at most {self.max_length} characters")
        if self.on_create is OnCreate.REQUIRED and not value.strip():
            raise self._error("may not be empty")
        if self.check is not None and value:
            problem = self.check(value)
            if problem is not None:
                raise self._error(problem)
        return value

    def parse(self, text: str) -> Any:
        """Turn what a user typed into a value, then validate it.

        Numbers are written the one way every number a user types is (see
        ``whole_number`` and ``decimal_number``). NULL is not typed: a form offers it as a separate choice, so that an
        empty string and NULL stay distinct.
        """
        if self.kind is Kind.STRING:
            return self.validate(text)
        stripped = text.strip()
        if self.kind is Kind.BOOLEAN:
            lowered = stripped.lower()
            if lowered in {"true", "yes", "on", "1"}:
                return True
            if lowered in {"false", "no", "off", "0"}:
                return False
            raise self._error("must be true or false")
        if stripped.lower() in self.words:
            return self.validate(stripped.lower())
        try:
            number = whole_number(stripped, *self.bounds) if self.kind is Kind.INTEGER else decimal_number(stripped)
        except ValueError as problem:
            said = str(problem)
            raise self._error(self._whole_number_or_word() if said == "must be a whole number" else said) from None
        return self.validate(number)

    def _whole_number_or_word(self) -> str:
        if not self.words:
            return "must be a whole number"
        return f"must be a whole number or one of {', '.join(map(repr, self.words))}"

    def _error(self, problem: str) -> InputError:
        return InputError(f"{self.label} {problem}.", field=self.name)


_S, _I, _D, _B = Kind.STRING, Kind.INTEGER, Kind.DOUBLE, Kind.BOOLEAN
_REQUIRED, _NEVER = OnCreate.REQUIRED, OnCreate.NEVER

TRUNK_FIELDS: tuple[Field, ...] = (
    Field("i_trunk", _I, "ID", "Assigned by the switch when the trunk is created.",
          on_create=_NEVER, updatable=False, in_table=True, minimum=FIRST_ID),
    Field("i_account", _I, "Account", "The account the trunk belongs to.",
          on_create=_REQUIRED, updatable=False, minimum=FIRST_ID),
    Field("name", _S, "Name", "Unique within the account.",
          on_create=_REQUIRED, in_table=True, max_length=128),
    Field("destination", _S, "Destination", "Where calls go: host or IP, optionally :port.",
          on_create=_REQUIRED, in_table=True, max_length=255, check=host_port_problem),
    Field("destination_backup", _S, "Backup destination",
          "Used when the destination fails; NULL for none.",
          nullable=True, in_table=True, max_length=255, check=host_port_problem),
    Field("capacity", _I, "Capacity", "Most simultaneous calls; NULL for no limit.",
          nullable=True, in_table=True, minimum=0),
    Field("max_cps", _D, "Max CPS", "Most new calls per second; NULL for no limit.",
          nullable=True, in_table=True, minimum=0),
    Field("outbound_ip", _S, "Outbound IP", "Local address calls leave from; empty for the default.",
          in_table=True, check=ip_problem),
    Field("outbound_ip_backup", _S, "Backup outbound IP",
          "Local address for the backup destination; NULL for none.",
          nullable=True, check=ip_problem),
    Field("description", _S, "Description", "Free text for operators.",
          in_table=True, max_length=255),
    Field("username", _S, "Username", "Login for the destination, if it asks for one.",
          max_length=128),
    Field("password", _S, "Password", "Password for the destination.",
          secret=True, max_length=128),
    Field("username_backup", _S, "Backup username", "Login for the backup destination.",
          max_length=128),
    Field("password_backup", _S, "Backup password", "Password for the backup destination.",
          secret=True, max_length=128),
    Field("translation_rule", _S, "CLD translation",
          "Rule applied to the called number, such as s/^00/+/.", max_length=1024),
    Field("from_domain", _S, "From domain", "Domain put in the From header.", max_length=255),
    Field("random_call_id", _B, "Random Call-ID", "Send a fresh Call-ID instead of the caller's."),
)



class Schema:
    """One kind of record a switch keeps (a trunk of one API, a trunk connection), declared once.

    ``noun`` names a record in messages ("trunk", "connection"); ``key`` is
    the member holding its id. Validation of a create or an update, the
    form's fields and the simulator's table all come from ``fields``.
    """

    def __init__(self, noun: str, key: str, fields: tuple[Field, ...]) -> None:
        self.noun = noun
        self.key = key
        self.fields = fields
        self.by_name: Mapping[str, Field] = {f.name: f for f in fields}
        self.secrets: frozenset[str] = frozenset(f.name for f in fields if f.secret)
        self.required: tuple[Field, ...] = tuple(f for f in fields if f.on_create is OnCreate.REQUIRED)

    def __repr__(self) -> str:
        return f"Schema({self.noun!r})"

    def create_params(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Validate the members of a create call, the owner's id (``i_account``, ``i_trunk``) included."""
        missing = [f.label for f in self.required if f.name not in values]
        if missing:
            raise InputError(f"A new {self.noun} needs: {', '.join(missing)}.")
        params = self._validated(values, lambda f: f.on_create is not OnCreate.NEVER, f"on a new {self.noun}")
        for name, value in params.items():
            spec = self.by_name[name]
            if isinstance(value, str) and value in spec.words and value not in spec.create_words:
                raise InputError(f"{spec.label} may be {' or '.join(map(repr, spec.create_words))} on a new "
                                 f"{self.noun}, not {value!r}.", field=name)
        return params

    def update_params(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Validate the changed members of an update call (the record's id apart)."""
        return self._validated(changes, lambda f: f.updatable, f"on an existing {self.noun}")

    def _validated(self, values: Mapping[str, Any], allowed: Callable[[Field], bool], what: str) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for name, value in values.items():
            spec = self.by_name.get(name)
            if spec is None or not allowed(spec):
                raise InputError(f"{name!r} cannot be set {what}.", field=name)
            params[name] = spec.validate(value)
        return params

    def editable(self, creating: bool, returned: Mapping[str, Any] | None = None) -> tuple[Field, ...]:
        """The members a create or edit form offers, in declaration order; not the owner's id.

        A member seen in one client only (``rare``) is offered on an edit
        when the switch returned it, and never on a create: a switch
        without it would refuse the call.
        """
        if creating:
            return tuple(f for f in self.fields
                         if f.on_create is not OnCreate.NEVER and f.updatable and not f.rare)
        return tuple(f for f in self.fields
                     if f.updatable and (not f.rare or (returned is not None and f.name in returned)))

    def label(self, name: str) -> str:
        """A member's label, or its wire name for one the model does not declare."""
        spec = self.by_name.get(name)
        return name if spec is None else spec.label


TRUNKS_2020 = Schema("trunk", "i_trunk", TRUNK_FIELDS)
FIELDS_BY_NAME = TRUNKS_2020.by_name
_SECRET_NAME = re.compile(r"pass|secret|token|key|credential|auth", re.IGNORECASE)


def is_secret(name: str) -> bool:
    """A declared secret (``password``), or a member a switch added whose name says it holds one (``auth_secret``).

    Every secret any schema declares is named so; a test holds to it.
    """
    return bool(_SECRET_NAME.search(name))


def format_value(value: Any) -> str:
    """Render a value as the server sent it: 0.5 stays 0.5, 0.0015 stays 0.0015.

    ``repr`` of a float is the shortest text that reads back to the same
    number, which is what an XML-RPC ``<double>`` normally carried.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple, dict)):
        return _CONTAINERS.repr(value)
    return str(value)


NESTING_LIMIT = 8
"""How many levels of arrays and structs are written out as such; real answers have at most four."""


def bounded_nesting(value: Any, leaf: Callable[[Any], Any], depth: int = 0) -> Any:
    """Arrays and structs as lists and dicts down to ``NESTING_LIMIT`` levels, deeper ones as their
    bounded text, every other value through ``leaf``: what a file (JSON export, the audit trail) can hold."""
    if isinstance(value, (list, tuple, dict)):
        if depth >= NESTING_LIMIT:
            return format_value(value)
        if isinstance(value, dict):
            return {str(key): bounded_nesting(item, leaf, depth + 1) for key, item in value.items()}
        return [bounded_nesting(item, leaf, depth + 1) for item in value]
    return leaf(value)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The members of ``after`` whose value differs from ``before``.

    Types count: 0 and NULL differ, and so do ``""`` and NULL. The same
    object is never a change, so an untouched NaN stays unchanged.
    """
    missing = object()
    return {
        name: value
        for name, value in after.items()
        if (old := before.get(name, missing)) is missing or not _same(old, value)
    }


def _same(old: Any, new: Any) -> bool:
    """Whether two values are equal, types counted at every level of an array or struct.

    Compared without recursion: ``==`` on two arrays nested thousands deep
    (two answers of a hostile switch) raises ``RecursionError``.
    """
    pending = [(old, new)]
    while pending:
        a, b = pending.pop()
        if a is b:
            continue
        if type(a) is not type(b):
            return False
        if isinstance(a, (list, tuple)):
            if len(a) != len(b):
                return False
            pending.extend(zip(a, b, strict=True))
        elif isinstance(a, dict):
            if a.keys() != b.keys():
                return False
            pending.extend((a[key], b[key]) for key in a)
        elif a != b:
            return False
    return True


ABSENT: Any = object()
"""Stands for a member a switch left out of its answer."""


def same_on_switch(a: Any, b: Any) -> bool:
    """Whether two values of a member mean the same thing on a switch, whatever its habits.

    Switches differ in how they send one value: booleans as 0/1, a double
    as a whole number, NaN as a fresh object each time, nothing at all for
    a NULL or empty member. Comparing answers (is this a conflict? did the
    save take?) must not mistake those habits for a change. NULL and an
    empty string stay different, except that a left-out member may be either.
    """
    if a is b:
        return True
    if a is ABSENT or b is ABSENT:
        return (b if a is ABSENT else a) in (None, "")
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return bool(a == b) or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
    return type(a) is type(b) and bool(a == b)


def differing(before: Mapping[str, Any], after: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """Of ``names``, the members whose value differs between two answers for the same trunk.

    A member left out of ``after`` is reported as ``ABSENT``; see ``same_on_switch`` for what counts as a difference.
    """
    changed = {}
    for name in names:
        old, new = before.get(name, ABSENT), after.get(name, ABSENT)
        if not same_on_switch(old, new):
            changed[name] = new
    return changed


@dataclass(frozen=True, slots=True)
class Record:
    """A record as the server described it: every member, in the server's order.

    Values are kept as received. Members the model does not declare are kept
    too, so a newer server's additions still reach the screen.
    """

    members: Mapping[str, Any]

    @property
    def name(self) -> Any:
        return self.members.get("name")

    def get(self, name: str, default: Any = None) -> Any:
        return self.members.get(name, default)

    def extra(self, schema: Schema) -> dict[str, Any]:
        """The members ``schema`` does not declare."""
        return {k: v for k, v in self.members.items() if k not in schema.by_name}


@dataclass(frozen=True, slots=True)
class TrunkConnection(Record):
    """One of a 2022+ trunk's connections: a destination, its login and limits, at a place in the trunk's order."""

    @property
    def i_trunk_connection(self) -> Any:
        return self.members.get("i_trunk_connection")


@dataclass(frozen=True, slots=True)
class Trunk(Record):
    """A trunk as the server described it.

    On a 2022+ switch ``connections`` holds its connections in the switch's
    order once they have been read, and is None until then (or when reading
    them failed); a 2020 trunk has none.
    """

    connections: tuple[TrunkConnection, ...] | None = None

    @classmethod
    def from_wire(cls, struct: Mapping[str, Any]) -> Trunk:
        return cls(dict(struct))

    @property
    def i_trunk(self) -> Any:
        return self.members.get("i_trunk")


def redact(members: Mapping[str, Any]) -> dict[str, Any]:
    """Members with secrets masked, for anything written to disk or logs."""
    return {k: ("***" if is_secret(k) and v else v) for k, v in members.items()}


ACCOUNT_MEMBERS: tuple[str, ...] = (
    "i_account", "username", "description", "blocked", "expired", "balance", "credit_limit", "base_currency",
)


@dataclass(frozen=True)
class Account:
    """One account, as listAccounts or getAccountInfo described it.

    A member the switch left out is None, as a NULL is, so each column shows
    both alike, as the trunk table does.
    """

    i_account: Any
    username: Any = None
    description: Any = None
    blocked: Any = False
    expired: Any = False
    balance: Any = None
    credit_limit: Any = None
    base_currency: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, struct: Mapping[str, Any]) -> Account:
        known = {k: v for k, v in struct.items() if k in ACCOUNT_MEMBERS}
        extra = {k: v for k, v in struct.items() if k not in ACCOUNT_MEMBERS}
        return cls(**{"i_account": None, **known}, extra=extra)
