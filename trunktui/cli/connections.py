"""``trunktui connections …``: a 2022+ trunk's connections, read and changed on the rules ``trunks`` keeps.

From 2022 a trunk's destinations, logins and limits live in its
connections, an ordered list calls try top to bottom. These commands read
that list and change one connection at a time: as ``trunks set`` does, a
change is worked out and can be seen first (``--dry-run``), passes the
read-only and production rules and a confirmation, sends only the members
that differ, and after a lost answer reads the switch back to say what it
did. A move is a change of ``order_no`` alone. Each change is one line of
the audit trail, as from the app, under its trunk's account. A 2020 switch
has no connections (its trunks hold their destination themselves): every
command here refuses there, once the API is known.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from trunktui.cli import assignments, consent
from trunktui.cli.changes import (
    add_change_output,
    ask,
    change_options,
    not_made,
    preview_values,
    print_records,
    read_trunk,
    shown,
    unread,
)
from trunktui.cli.exits import Exit, UsageError
from trunktui.cli.output import Column, Options, Shape, Writer
from trunktui.cli.switch import Switch
from trunktui.cli.trunks import CONNECTION_SHAPE, one_json, show_members, trunk_id
from trunktui.cli.verbs import add_output, output_options, say, verb
from trunktui.errors import ApiError, FaultError, InputError
from trunktui.model import ABSENT, Trunk, TrunkConnection, differing
from trunktui.text import printable
from trunktui.versions import CONNECTIONS

if TYPE_CHECKING:
    from trunktui.api import SippyClient

PREVIEW = Shape(
    columns=(Column("i_trunk_connection", "ID"), Column("name", "Name"), Column("member", "Field"),
             Column("old", "Now"), Column("new", "After")),
    wide=(Column("i_trunk", "Trunk"),), name="name", key="i_trunk_connection")
ORDER = "order_no"
PLACES = "up, down, first, last or a place (1 is the top)"
PRINTED = "the dry run's old → new rows"


def register(verbs: Any) -> None:
    listing = verb(verbs, "list", "list a trunk's connections, top to bottom as calls try them", """\
  trunktui --profile lab connections list 1042
  trunktui --profile lab connections list 1042 -o json
  trunktui --profile lab connections list 1042 --fields i_trunk_connection,name,destination -o csv
  trunktui --profile lab connections list 1042 -o id | xargs -n1 trunktui --profile lab connections get""",
                   list_connections)
    listing.add_argument("i_trunk", type=trunk_id, metavar="TRUNK_ID", help="the trunk's i_trunk")
    add_output(listing)

    get = verb(verbs, "get", "show one connection: every member and its version", """\
  trunktui --profile lab connections get 5071
  trunktui --profile lab connections get 5071 -o json --show-secrets""", get_connection)
    get.add_argument("i_trunk_connection", type=trunk_id, metavar="ID", help="the connection's i_trunk_connection")
    add_output(get, ("table", "json"))

    create = verb(verbs, "create", "add a connection to a trunk; prints its i_trunk_connection", """\
  trunktui --profile lab connections create 1042 name=sbc3 destination=198.51.100.9:5060 capacity=60 --yes
  trunktui --profile lab connections create 1042 name=backup destination=192.0.2.1 order_no=first --dry-run
  trunktui --profile lab connections create 1042 name=sbc4 destination=192.0.2.4 order_no=2 --yes""",
                  create_connection, check_create)
    create.add_argument("i_trunk", type=trunk_id, metavar="TRUNK_ID", help="the trunk it is added to")
    create.add_argument("values", nargs="+", metavar="FIELD=VALUE",
                        help="its members: name=… and destination=… (needed), capacity=30, max_cps=null, "
                             "order_no=first|last|N (last unless given), field:=JSON")
    consent.add_options(create)
    add_change_output(create, PRINTED)

    setting = verb(verbs, "set", "change fields of one connection; only the fields that differ are sent", """\
  trunktui --profile lab connections set 5071 capacity=30 --dry-run
  trunktui --profile lab connections set 5071 destination=198.51.100.8 --if-unchanged 3f2a9c0d11b4 --yes
  trunktui --profile lab connections set 5071 capacity=30 --if-unchanged capacity=20 --yes
  trunktui --profile lab connections set 5071 max_cps=null password=s3cret --yes""", set_connection, check_set)
    setting.add_argument("i_trunk_connection", type=trunk_id, metavar="ID", help="the connection's i_trunk_connection")
    setting.add_argument("values", nargs="+", metavar="FIELD=VALUE",
                         help="the fields to set: capacity=30, max_cps=null, description:='\"null\"'")
    setting.add_argument("--if-unchanged", action="append", metavar="VERSION|FIELD=VALUE",
                         help="refuse (exit 5) unless the connection still has this version (connections get "
                              "shows it) or these values; repeatable")
    consent.add_options(setting)
    add_change_output(setting, PRINTED)

    delete = verb(verbs, "delete", "delete one connection, after a confirmation", """\
  trunktui --profile lab connections delete 5071                  # asks at a terminal
  trunktui --profile lab connections delete 5071 --yes
  trunktui --profile prod connections delete 5071 --confirm-name sbc2 --yes""", delete_connection)
    delete.add_argument("i_trunk_connection", type=trunk_id, metavar="ID", help="the connection's i_trunk_connection")
    consent.add_options(delete, delete=True)
    add_change_output(delete, PRINTED)

    move = verb(verbs, "move", "move one connection in its trunk's order (calls try the top one first)", """\
  trunktui --profile lab connections move 5071 up --yes
  trunktui --profile lab connections move 5071 first --yes
  trunktui --profile lab connections move 5071 3 --dry-run""", move_connection, check_move)
    move.add_argument("i_trunk_connection", type=trunk_id, metavar="ID", help="the connection's i_trunk_connection")
    move.add_argument("place", metavar="up|down|first|last|N", help=f"where to: {PLACES}")
    consent.add_options(move)
    add_change_output(move, PRINTED)


def check_create(args: argparse.Namespace) -> None:
    """What is wrong with a new connection whatever the switch holds (the connections schema is one)."""
    values = {"i_trunk": args.i_trunk, **assignments.parse(CONNECTIONS, args.values, creating=True)}
    try:
        CONNECTIONS.create_params(values)
    except InputError as problem:
        raise UsageError(problem.message) from None


def check_set(args: argparse.Namespace) -> None:
    assignments.parse(CONNECTIONS, args.values)
    assignments.expected(CONNECTIONS, args.if_unchanged)


def check_move(args: argparse.Namespace) -> None:
    _place(args)


def _place(args: argparse.Namespace) -> Any:
    """Where a move goes, as the model reads it: up, down, first, last or a place."""
    try:
        return CONNECTIONS.by_name[ORDER].parse(args.place)
    except InputError as problem:
        raise UsageError(problem.message) from None


def _connected(switch: Switch, args: argparse.Namespace, change: str | None = None) -> SippyClient:
    """The client, once the switch is known to have connections; a ``change`` (its verb) is refused first on a
    read-only connection, unless it is a dry run. Nothing else is sent to a switch of the 2020 API."""
    if change is not None and not args.dry_run:
        consent.writable(switch, change)
    client = switch.client
    if not client.api().has_connections:
        raise UsageError(f"{printable(client.settings.host)} speaks the 2020 trunks API, whose trunks hold their "
                         "destination themselves: it has no connections (trunks get and trunks set show and "
                         "change a trunk's destination)")
    return client


def _read(client: SippyClient, i_trunk_connection: int) -> TrunkConnection:
    try:
        return client.get_connection(i_trunk_connection)
    except FaultError as error:
        raise unread(i_trunk_connection, error, CONNECTIONS.noun) from None


def _label(connection: TrunkConnection) -> str:
    return f"{printable(connection.i_trunk_connection)} ({printable(connection.name, 80)})"


def _item(connection: TrunkConnection, options: Options) -> dict[str, Any]:
    from trunktui.export import ExportOptions, connection_object

    return connection_object(connection, ExportOptions(secrets=options.secrets))


# Reading


def list_connections(args: argparse.Namespace, switch: Switch) -> int:
    client = _connected(switch, args)
    options = output_options(args)
    out = Writer(CONNECTION_SHAPE, options, sys.stdout)
    out.add(_item(connection, options) for connection in client.list_connections(args.i_trunk))
    out.end()
    if not out.count:
        say(f"Trunk {args.i_trunk} has no connections.")
    return Exit.OK


def get_connection(args: argparse.Namespace, switch: Switch) -> int:
    client = _connected(switch, args)
    connection = client.get_connection(args.i_trunk_connection)
    options = output_options(args)
    if options.fmt == "json":
        sys.stdout.write(one_json(_item(connection, options), options))
    else:
        show_members(connection.members, CONNECTIONS.label, options, assignments.version(connection.members))
    return Exit.OK


# Changing


def create_connection(args: argparse.Namespace, switch: Switch) -> int:
    client = _connected(switch, args, "create")
    values = {"i_trunk": args.i_trunk, **assignments.parse(CONNECTIONS, args.values, creating=True)}
    trunk = read_trunk(client, args.i_trunk)
    name, where = printable(values.get("name")), f"trunk {args.i_trunk} ({printable(trunk.name, 80)})"
    options = change_options(args)
    rows = [{"i_trunk_connection": None, "i_trunk": args.i_trunk, "name": values.get("name"), "member": member,
             "old": None, "new": shown(member, value, options)} for member, value in values.items()]
    if args.dry_run:
        print_records(PREVIEW, options, rows)
        say(f"Dry run: the connection was not added to {where}.")
        return Exit.OK
    ask(args, switch, PREVIEW, rows, options, f"Add connection {name} to {where}?", 1, noun=CONNECTIONS.noun)
    account = trunk.get("i_account")
    try:
        i_trunk_connection = client.create_connection(values, account)
    except ApiError as error:
        if not error.may_have_acted:
            raise
        found = client.check_connection_create(values, str(error), account)
        if not found:
            raise not_made(error) from None
        i_trunk_connection = found[0].i_trunk_connection
        say(f"The answer was lost ({error}), but the connection was found in the trunk: it was added.")
    print(printable(i_trunk_connection))
    say(f"Added connection {printable(i_trunk_connection)} ({name}) to {where}.")
    return Exit.OK


def set_connection(args: argparse.Namespace, switch: Switch) -> int:
    client = _connected(switch, args, "change")
    values = assignments.parse(CONNECTIONS, args.values)
    expected = assignments.expected(CONNECTIONS, args.if_unchanged)
    connection = _read(client, args.i_trunk_connection)
    expected.check(CONNECTIONS, connection.members)
    changes = differing(connection.members, values, values)
    if not changes:
        say(f"Connection {_label(connection)} already holds these values: nothing to send.")
        return Exit.OK
    return _update(args, switch, connection, changes, "Change")


def move_connection(args: argparse.Namespace, switch: Switch) -> int:
    client = _connected(switch, args, "move")
    place = _place(args)
    connection = _read(client, args.i_trunk_connection)
    if place == connection.get(ORDER) or (place in ("up", "first") and connection.get(ORDER) == 1) or (
            place in ("down", "last") and _at_the_bottom(client, connection)):
        say(f"Connection {_label(connection)} is at place {printable(connection.get(ORDER))} already: "
            "nothing to send.")
        return Exit.OK
    return _update(args, switch, connection, {ORDER: place}, "Move")


def _at_the_bottom(client: SippyClient, connection: TrunkConnection) -> bool:
    """Whether the connection is the last its trunk lists, where a move down would change nothing."""
    listed = client.list_connections(connection.get("i_trunk"))
    return bool(listed) and listed[-1].i_trunk_connection == connection.i_trunk_connection


def delete_connection(args: argparse.Namespace, switch: Switch) -> int:
    if not args.dry_run:
        consent.writable(switch, "delete")
        consent.named(args, switch, CONNECTIONS.noun)
    client = _connected(switch, args)
    connection = _read(client, args.i_trunk_connection)
    options = change_options(args)
    rows = [{"i_trunk_connection": connection.i_trunk_connection, "i_trunk": connection.get("i_trunk"),
             "name": connection.name, "member": "", "old": None, "new": "(deleted)"}]
    if args.dry_run:
        print_records(PREVIEW, options, rows)
        say(f"Dry run: connection {_label(connection)} was not deleted.")
        return Exit.OK
    trunk = read_trunk(client, connection.get("i_trunk"))
    ask(args, switch, PREVIEW, rows, options, f"Delete connection {_label(connection)} of {_trunk_label(trunk)}?", 1,
        connection.name, CONNECTIONS.noun)
    account = trunk.get("i_account")
    try:
        client.delete_connection(connection, account)
    except ApiError as error:
        if not error.may_have_acted:
            raise
        try:
            gone = client.check_connection_delete(connection, str(error), account)
        except ApiError:
            raise error from None
        if not gone:
            raise not_made(error) from None
        say(f"The answer was lost ({error}), but the connection is no longer in the trunk: it was deleted.")
    say(f"Deleted connection {_label(connection)} of {_trunk_label(trunk)}.")
    return Exit.OK


def _trunk_label(trunk: Trunk) -> str:
    return f"trunk {printable(trunk.i_trunk)} ({printable(trunk.name, 80)})"


def _update(args: argparse.Namespace, switch: Switch, connection: TrunkConnection, changes: dict[str, Any],
            doing: str) -> int:
    """Preview ``changes`` (old → new), or after a confirmation send them; a lost answer is read back."""
    client = switch.client
    options = change_options(args)
    rows = [_preview_row(connection, member, new, options) for member, new in changes.items()]
    if args.dry_run:
        print_records(PREVIEW, options, rows)
        say(f"Dry run: nothing was sent (connection {_label(connection)} would change).")
        return Exit.OK
    trunk = read_trunk(client, connection.get("i_trunk"))
    ask(args, switch, PREVIEW, rows, options, f"{doing} connection {_label(connection)} of {_trunk_label(trunk)}?", 1,
        noun=CONNECTIONS.noun)
    account = trunk.get("i_account")
    try:
        client.update_connection(connection, changes, account)
    except ApiError as error:
        if not error.may_have_acted:
            raise
        try:
            applied, _ = client.check_connection_update(connection, changes, str(error), account)
        except ApiError:
            raise error from None
        if not applied:
            raise not_made(error) from None
        say(f"The answer was lost ({error}), but the connection was read back holding the change.")
    done = "Moved" if set(changes) == {ORDER} else "Changed"
    say(f"{done} connection {_label(connection)} of {_trunk_label(trunk)}.")
    return Exit.OK


def _preview_row(connection: TrunkConnection, member: str, new: Any, options: Options) -> dict[str, Any]:
    old, new = preview_values(member, connection.get(member, ABSENT), new, options)
    return {"i_trunk_connection": connection.i_trunk_connection, "i_trunk": connection.get("i_trunk"),
            "name": connection.name, "member": member, "old": old, "new": new}

