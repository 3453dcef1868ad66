"""``trunktui trunks create | set | delete | apply``: changes, on the rules the app keeps.

Every change is worked out before anything is sent and can be seen first
(``--dry-run``: old → new). ``set`` and ``delete`` take one trunk, several,
a list of ids (``--ids-from``, as ``-o id`` prints them) or an account's
trunks by name pattern; ``apply`` takes a file of changes. All go through
the engine the app's changes to many trunks use (``bulk``): each trunk is
read again just before its change and left alone if it changed on the
switch meanwhile (a conflict), a change whose answer was lost is read back,
and each is one line of the audit trail, as from the app. ``create`` sends
one trunk, and after a lost answer looks for it by name.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trunktui.cli import assignments, consent
from trunktui.cli.arguments import whole
from trunktui.cli.exits import Exit, Refusal, UsageError
from trunktui.cli.output import Column, Options, Shape, Writer, colour_wanted
from trunktui.cli.switch import interactive
from trunktui.cli.trunks import account_of, schemas
from trunktui.cli.verbs import say, verb
from trunktui.errors import ApiError, FaultError, HttpError, InputError
from trunktui.model import ABSENT, FIRST_ID, Schema, Trunk, format_value, is_secret
from trunktui.patterns import pattern_problem
from trunktui.text import counted, printable, unstopped

if TYPE_CHECKING:
    from trunktui.api import SippyClient
    from trunktui.bulk import Bulk, Change, Plan, Result, Sent
    from trunktui.cli.switch import Switch

PREVIEW = Shape(
    columns=(Column("i_trunk", "ID"), Column("name", "Name"), Column("member", "Field"), Column("old", "Now"),
             Column("new", "After")),
    wide=(Column("i_account", "Account"),), name="name", key="i_trunk")
RESULTS = Shape(
    columns=(Column("i_trunk", "ID"), Column("name", "Name"), Column("result", "Result"),
             Column("detail", "Detail")),
    wide=(Column("i_account", "Account"),), name="name", key="i_trunk")
SECRET_CHANGED = "(changed)"
READ_LIMIT = 4 * 1024 * 1024
"""The most a file of ids or changes may hold: a mistaken /dev/zero or endless pipe ends, rather than reading for
ever."""
LIMIT_WORDS = "at most 4 MB"
IDS_HELP = f"read trunk ids from FILE (- is stdin; {LIMIT_WORDS}), one a line, as -o id prints them"
CHANGE_FORMATS = ("table", "json", "jsonl", "csv")
ONE_CHECKED = "--if-unchanged checks one trunk; for many, use trunks apply with if_unchanged"
UNCHANGED = "unchanged"
"""The result of a trunk left alone: it already held every value asked for."""


def register(verbs: Any) -> None:
    create = verb(verbs, "create", "create a trunk in an account", """\
  trunktui --profile lab trunks create --account acme-wholesale name=telia-sto-01 \\
      destination=198.51.100.7:5060 capacity=60 --yes
  trunktui --profile lab trunks create --account 3 name=x destination=192.0.2.1 --dry-run""", create_trunk,
                  check_create)
    create.add_argument("--account", dest="in_account", metavar="ID|NAME", help="the account (i_account or username)")
    create.add_argument("values", nargs="+", metavar="FIELD=VALUE",
                        help="the new trunk's members: name=… (text), capacity=30, capacity=null, field:=JSON")
    consent.add_options(create)
    add_change_output(create)

    setting = verb(verbs, "set", "change fields of one trunk or many; only the fields given are sent", """\
  trunktui --profile lab trunks set 1042 capacity=30 --dry-run
  trunktui --profile lab trunks set 1042 capacity=30 --if-unchanged capacity=20 --yes
  trunktui --profile lab trunks set 1042 description='Telia, via SBC 2' max_cps=null --yes
  trunktui --profile lab trunks set --account acme-wholesale --pattern 'telia%' capacity=30 --dry-run
  trunktui --profile lab trunks find 198.51.100.7 -o id | trunktui --profile lab trunks set --ids-from - \\
      capacity=30 --yes""", set_trunks, check_set)
    setting.add_argument("targets", nargs="*", metavar="ID|FIELD=VALUE",
                         help="trunk ids and the fields to set: capacity=30, max_cps=null, description:='\"null\"'")
    _add_selection(setting)
    setting.add_argument("--if-unchanged", action="append", metavar="VERSION|FIELD=VALUE",
                         help="refuse (exit 5) unless the trunk still has this version (trunks get shows it) or "
                              "these values; repeatable")
    consent.add_options(setting)
    add_change_output(setting)

    delete = verb(verbs, "delete", "delete one trunk or many, after a confirmation", """\
  trunktui --profile lab trunks delete 1042                       # asks at a terminal
  trunktui --profile lab trunks delete 1042 --yes
  trunktui --profile prod trunks delete 1042 --confirm-name telia-sto-01 --yes
  trunktui --profile lab trunks delete --account acme-lab --pattern 'test-%' --dry-run""", delete_trunks,
                  check_delete)
    delete.add_argument("targets", nargs="*", metavar="ID", help="trunk ids")
    _add_selection(delete)
    delete.add_argument("--if-unchanged", action="append", metavar="VERSION|FIELD=VALUE",
                        help="refuse (exit 5) unless the trunk still has this version or these values")
    consent.add_options(delete, delete=True)
    add_change_output(delete)

    apply = verb(verbs, "apply", "send a file of changes: each trunk's fields to set, and what it must still hold", """\
  trunktui --profile lab trunks apply --from-json changes.json --dry-run
  trunktui --profile lab trunks apply --from-json changes.json --yes

  changes.json is an array of {"i_trunk": ID, "set": {FIELD: VALUE, …}, "if_unchanged": {FIELD: VALUE, …}}
  ("if_unchanged" is optional). From a listing, with jq:
    trunktui --profile lab trunks list --account 3 -o json | jq '[.[] | select(.capacity == 20)
      | {i_trunk, set: {capacity: 30}, if_unchanged: {capacity}}]' > changes.json""", apply_changes,
                 check_apply)
    apply.add_argument("--from-json", required=True, metavar="FILE", help=f"the changes (- is stdin; {LIMIT_WORDS})")
    _add_concurrency(apply)
    consent.add_options(apply)
    add_change_output(apply)


def _add_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ids-from", metavar="FILE", help=IDS_HELP)
    parser.add_argument("--account", dest="in_account", metavar="ID|NAME",
                        help="the trunks of this account (with --pattern, those whose name matches)")
    parser.add_argument("--pattern", metavar="LIKE", help="the switch's name pattern, with --account")
    _add_concurrency(parser)


def _add_concurrency(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--concurrency", dest="calls", type=lambda text: whole(text, 1, 16), metavar="N",
                        help="changes sent at once (default: the profile's or --concurrency's, 4)")


def add_change_output(parser: argparse.ArgumentParser, printed: str = "the preview and the results") -> None:
    parser.add_argument("-o", "--output", choices=CHANGE_FORMATS, default="table", metavar="|".join(CHANGE_FORMATS),
                        help=f"how {printed} are printed (default table)")
    parser.add_argument("--no-headers", action="store_true", help="no heading line in table and csv")
    parser.add_argument("--show-secrets", action="store_true", help="print passwords in the preview instead of ***")


def change_options(args: argparse.Namespace) -> Options:
    return Options(args.output, (), not args.no_headers, args.show_secrets)


# Choosing the trunks


def _ids(args: argparse.Namespace, tokens: Sequence[str]) -> list[int]:
    ids = [_id(token, "a trunk id") for token in tokens]
    if args.ids_from is not None:
        ids += [_id(line, f"a trunk id in {args.ids_from}") for line in _lines(args.ids_from)]
    return list(dict.fromkeys(ids))


def _id(text: str, what: str) -> int:
    try:
        return whole(text.strip(), FIRST_ID)
    except argparse.ArgumentTypeError as problem:
        raise UsageError(f"{printable(text, 80)!r} is not {what}: {problem}") from None


def _lines(source: str) -> list[str]:
    text = _read(source)
    return [line for line in (raw.strip() for raw in text.splitlines()) if line and not line.startswith("#")]


def _read(source: str) -> str:
    """The text of a file (or of stdin, for -), UTF-8 with or without a BOM, refused past ``READ_LIMIT``."""
    try:
        if source == "-":
            raw = getattr(sys.stdin, "buffer", None)
            data = raw.read(READ_LIMIT + 1) if raw is not None else sys.stdin.read(READ_LIMIT + 1).encode()
        else:
            with Path(source).open("rb") as file:
                data = file.read(READ_LIMIT + 1)
        if len(data) > READ_LIMIT:
            raise UsageError(f"{printable(source, 80)} holds more than trunktui reads ({LIMIT_WORDS}): nothing was "
                             "sent")
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        raise UsageError(f"cannot read {printable(source, 80)}: {printable(problem, 200)}") from None


def _chosen(args: argparse.Namespace, switch: Switch, ids: list[int]) -> list[Trunk]:
    """The trunks to change, read from the switch now: by id, or an account's (matching ``--pattern``)."""
    client = switch.client
    if args.in_account is not None or args.pattern is not None:
        account = account_of(client, args)
        found = client.trunks_of([account.i_account], args.pattern or None)[0]
        if isinstance(found, ApiError):
            raise found
        return found
    return _read_all(client, ids)


def _read_all(client: SippyClient, ids: Sequence[int]) -> list[Trunk]:
    """The trunks ``ids`` name, read now in a few calls; one that cannot be read stops the command before
    anything is sent."""
    trunks: list[Trunk] = []
    for i_trunk, read in zip(ids, client.get_trunks(ids), strict=True):
        if isinstance(read, ApiError):
            raise unread(i_trunk, read)
        trunks.append(read)
    return trunks


def _checked(args: argparse.Namespace, switch: Switch, ids: list[int],
             schema: Schema) -> tuple[list[Trunk], list[tuple[Trunk, str]]]:
    """The chosen trunks as read now, and those ``--if-unchanged`` (for one trunk) found changed, with how."""
    expected = assignments.expected(schema, args.if_unchanged)
    trunks = _chosen(args, switch, ids)
    if args.if_unchanged and len(trunks) != 1:
        raise UsageError(ONE_CHECKED)
    changed = []
    for trunk in trunks:
        try:
            expected.check(schema, trunk.members)
        except Refusal as refusal:
            changed.append((trunk, refusal.message.split(";")[0]))
    return trunks, changed


def read_trunk(client: SippyClient, i_trunk: int) -> Trunk:
    try:
        return client.get_trunk(i_trunk, connections=False)
    except ApiError as error:
        raise unread(i_trunk, error) from None


def unread(key: int, error: ApiError, noun: str = "trunk") -> ApiError:
    """A record's read that failed, as the error that stops the command: a fault names the record."""
    if isinstance(error, FaultError):
        return FaultError(error.code, f"{noun} {key} could not be read, so nothing was sent: {error.string}",
                          error.method)
    return error


# The commands


def check_set(args: argparse.Namespace) -> None:
    """What is wrong with a ``trunks set`` whatever the switch holds: the trunks chosen, and fields or
    ``--if-unchanged`` values that no trunks API takes."""
    tokens = [token for token in args.targets if assignments.is_assignment(token)]
    if not tokens:
        raise UsageError("give the fields to set: FIELD=VALUE (capacity=30, max_cps=null)")
    check_selection(args, [token for token in args.targets if not assignments.is_assignment(token)])
    assignments.check(schemas(args), tokens)
    assignments.anywhere(schemas(args), lambda schema: assignments.expected(schema, args.if_unchanged))
    if args.if_unchanged and len(args.ids) > 1:
        raise UsageError(ONE_CHECKED)


def check_delete(args: argparse.Namespace) -> None:
    check_selection(args, args.targets)
    assignments.anywhere(schemas(args), lambda schema: assignments.expected(schema, args.if_unchanged))
    if args.if_unchanged and len(args.ids) > 1:
        raise UsageError(ONE_CHECKED)


def check_selection(args: argparse.Namespace, ids: Sequence[str]) -> None:
    """Trunks are chosen by ids (or ``--ids-from``), or by ``--account`` and a well-formed ``--pattern``. The
    ids are read here, once (``--ids-from -`` reads stdin), into ``args.ids``."""
    if args.pattern is not None and (problem := pattern_problem(args.pattern)):
        raise UsageError(f"--pattern: {problem}")
    by_pattern = args.in_account is not None or args.pattern is not None
    if by_pattern and (ids or args.ids_from is not None):
        raise UsageError("give trunk ids or --account (with --pattern), not both")
    if not by_pattern and not ids and args.ids_from is None:
        raise UsageError("give the trunks: ids, --ids-from FILE, or --account with --pattern")
    if by_pattern and not (args.in_account or args.account):
        raise UsageError("give the account: --account ID|NAME")
    args.ids = [] if by_pattern else _ids(args, ids)
    if not by_pattern and not args.ids:
        raise UsageError(f"{printable(args.ids_from, 80)} holds no trunk ids")


def check_create(args: argparse.Namespace) -> None:
    if not (args.in_account or args.account):
        raise UsageError("give the account: --account ID|NAME")
    assignments.check(schemas(args), args.values, creating=True)

    def creatable(schema: Schema) -> None:
        try:
            schema.create_params({"i_account": FIRST_ID, **assignments.parse(schema, args.values, creating=True)})
        except InputError as problem:
            raise UsageError(problem.message) from None

    assignments.anywhere(schemas(args), creatable)


def check_apply(args: argparse.Namespace) -> None:
    """The file of changes, read here once (``-`` reads stdin) into ``args.changes`` and checked as far as it
    can be before the switch's API is known: its shape, and members no trunks API can set."""
    args.changes = _changes_file(schemas(args), args.from_json)


def set_trunks(args: argparse.Namespace, switch: Switch) -> int:
    from trunktui.bulk import Change, Plan

    tokens = [token for token in args.targets if assignments.is_assignment(token)]
    if not args.dry_run:
        consent.writable(switch, "change")
    schema = switch.client.trunks
    values = assignments.parse(schema, tokens)
    trunks, changed = _checked(args, switch, args.ids, schema)
    if changed:
        early = _conflicts([(Change(trunk, values), why) for trunk, why in changed])
        return _carry_out(args, switch, Plan(schema, []), "", early=early)
    try:
        plan = Plan.setting(schema, trunks, values)
    except InputError as problem:
        raise UsageError(problem.message) from None
    return _carry_out(args, switch, plan, f"Change {counted(len(plan.changes), 'trunk')}?")


def delete_trunks(args: argparse.Namespace, switch: Switch) -> int:
    from trunktui.bulk import Change, Plan

    if not args.dry_run:
        consent.writable(switch, "delete")
        if len(args.ids) == 1:
            consent.named(args, switch)
    schema = switch.client.trunks
    trunks, changed = _checked(args, switch, args.ids, schema)
    if changed:
        early = _conflicts([(Change(trunk, {}, delete=True), why) for trunk, why in changed])
        return _carry_out(args, switch, Plan(schema, []), "", early=early)
    plan = Plan.deleting(schema, trunks)
    name = trunks[0].name if len(trunks) == 1 else None
    return _carry_out(args, switch, plan, f"Delete {counted(len(plan.changes), 'trunk')}?", name)


def _conflicts(changed: Sequence[tuple[Change, str]]) -> list[Result]:
    """Changes refused before sending, the trunk not as ``--if-unchanged`` expects: conflicts, as in the results."""
    from trunktui.bulk import Result, Status

    return [Result(change, Status.CONFLICT, why) for change, why in changed]


def apply_changes(args: argparse.Namespace, switch: Switch) -> int:
    from trunktui.bulk import Change, Plan, Result, Status

    if not args.dry_run:
        consent.writable(switch, "change")
    schema = switch.client.trunks
    wanted = {i_trunk: (_settable(schema, where, values), expected)
              for i_trunk, (where, values, expected) in args.changes.items()}
    trunks = _read_all(switch.client, list(wanted))
    asked, conflicts = [], []
    for trunk in trunks:
        values, expected = wanted[trunk.i_trunk]
        try:
            assignments.Expected(values=expected).check(schema, trunk.members)
        except Refusal as refusal:
            conflicts.append(Result(Change(trunk, values), Status.CONFLICT, refusal.message.split(";")[0]))
            continue
        asked.append((trunk, values))
    try:
        plan = Plan.each(schema, asked)
    except InputError as problem:
        raise UsageError(f"{problem.message} Nothing was sent.") from None
    return _carry_out(args, switch, plan, f"Change {counted(len(plan.changes), 'trunk')}?", early=conflicts)


def _changes_file(schemas: Sequence[Schema], source: str) -> dict[int, tuple[str, dict[str, Any], dict[str, Any]]]:
    """The file's changes by trunk (where each is in the file, the fields to set, the values expected), every
    one checked before anything is read or sent, each field as one of ``schemas`` at least takes it."""
    text = _read(source)
    try:
        items = json.loads(text)
    except ValueError as problem:
        raise UsageError(f"{printable(source, 80)} is not JSON: {problem}") from None
    except RecursionError:
        raise UsageError(f"{printable(source, 80)} is not JSON trunktui reads: it is nested too deep") from None
    if not isinstance(items, list):
        raise UsageError(f"{source} must hold an array of changes: [{{\"i_trunk\": 1, \"set\": {{…}}}}, …]")
    wanted: dict[int, tuple[str, dict[str, Any], dict[str, Any]]] = {}
    for place, item in enumerate(items, 1):
        where = f"{source}, change {place}"
        if not isinstance(item, dict) or not set(item) <= {"i_trunk", "set", "if_unchanged"}:
            raise UsageError(f"{where}: a change is {{\"i_trunk\": ID, \"set\": {{…}}, \"if_unchanged\": {{…}}}}")
        i_trunk, values, expected = item.get("i_trunk"), item.get("set"), item.get("if_unchanged", {})
        if type(i_trunk) is not int or i_trunk < FIRST_ID:
            given = json.dumps(i_trunk) if isinstance(i_trunk, str) else format_value(i_trunk)
            raise UsageError(f"{where}: i_trunk must be a trunk id, not {printable(given, 40)}")
        if not isinstance(values, dict) or not values:
            raise UsageError(f"{where}: \"set\" must name at least one field and its value")
        if not isinstance(expected, dict):
            raise UsageError(f"{where}: \"if_unchanged\" must be an object of fields and values")
        if i_trunk in wanted:
            raise UsageError(f"{where}: trunk {i_trunk} is changed twice in the file")
        for name, value in values.items():
            assignments.anywhere(schemas, partial(_settable, where=where, values={name: value}), name)
        wanted[i_trunk] = where, values, expected
    return wanted


def _settable(schema: Schema, where: str, values: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return schema.update_params(values)
    except InputError as problem:
        raise UsageError(f"{where}: {problem.message}") from None


def create_trunk(args: argparse.Namespace, switch: Switch) -> int:
    if not args.dry_run:
        consent.writable(switch, "create")
    client = switch.client
    schema = client.trunks
    values = assignments.parse(schema, args.values, creating=True)
    account = account_of(client, args)
    values = {"i_account": account.i_account, **values}
    try:
        schema.create_params(values)
    except InputError as problem:
        raise UsageError(problem.message) from None
    options = change_options(args)
    rows = [{"i_trunk": None, "name": values.get("name"), "member": name, "old": None,
             "new": shown(name, value, options)} for name, value in values.items()]
    if args.dry_run:
        print_records(PREVIEW, options, rows)
        say(f"Dry run: the trunk was not created (account {printable(account.username)}).")
        return Exit.OK
    consent.confirm(args, switch, f"Create trunk {printable(values.get('name'))} in account "
                                  f"{printable(account.username)}?", 1)
    try:
        i_trunk = client.create_trunk(values)
    except ApiError as error:
        if not error.may_have_acted:
            raise
        found = client.check_create(values, str(error))
        if not found:
            raise not_made(error) from None
        i_trunk = found[0].i_trunk
        say(f"The answer was lost ({error}), but the trunk was found on the switch: it was created.")
    print(i_trunk)
    say(f"Created trunk {i_trunk} ({printable(values.get('name'))}) in account {printable(account.username)}.")
    return Exit.OK


def not_made(error: ApiError) -> ApiError:
    """A change read back as not made. After an HTTP error the switch has settled it: it failed (exit 1, as
    the engine of changes to many trunks says it); after an answer lost on the way it still may be made
    (the error as it was: exit 3)."""
    if isinstance(error, HttpError):
        return ApiError(f"{unstopped(str(error))}; read back: it was not made", error.method)
    return error


# Preview, consent, sending, results


def _carry_out(args: argparse.Namespace, switch: Switch, plan: Plan, question: str, name: object = None,
               early: Sequence[Result] = ()) -> int:
    """Preview, consent, send; the results go to stdout, one row a trunk chosen (those left alone as
    ``unchanged`` too), also when there is nothing to send (or no rows: ``[]``), so a script can always read
    them and counts the same rows whatever was sent."""
    from trunktui.bulk import Bulk

    options = change_options(args)
    preview = [_preview_row(change, member, old, new, options) for change, member, old, new in plan.rows()]
    if plan.unchanged:
        one = len(plan.unchanged) == 1
        say(f"{counted(len(plan.unchanged), 'trunk')} already {'holds' if one else 'hold'} these values and "
            f"{'is' if one else 'are'} left alone.")
    for result in early:
        say(f"Trunk {result.change.label}: {result.status.value}: {result.detail}; not sent.")
    alone = [_row(trunk, UNCHANGED, "already holds these values") for trunk in plan.unchanged]
    if not plan.changes:
        print_records(RESULTS, options, [*(_result_row(result) for result in early), *alone])
        say("Nothing to send.")
        return _exit(early)
    if args.dry_run:
        print_records(PREVIEW, options, preview)
        say(f"Dry run: nothing was sent ({counted(len(plan.changes), 'trunk')} would be).")
        return Exit.OK
    ask(args, switch, PREVIEW, preview, options, question, len(plan.changes), name)
    bulk = Bulk(switch.client, plan, concurrency=args.calls or switch.session.concurrency)
    results, interrupted = _send(bulk, len(plan.changes))
    print_records(RESULTS, options, [*(_result_row(result) for result in [*early, *results]), *alone])
    say(_tally([*early, *results], len(alone)))
    return Exit.INTERRUPTED if interrupted else _exit([*early, *results])


def ask(args: argparse.Namespace, switch: Switch, shape: Shape, preview: Sequence[Mapping[str, Any]],
        options: Options, question: str, count: int, name: object = None, noun: str = "trunk") -> None:
    """The preview shown at a terminal (on stderr, as a table) before its question, then the consent rules."""
    if not args.yes and interactive():
        print_records(shape, Options(headers=options.headers, secrets=options.secrets), preview, sys.stderr)
    consent.confirm(args, switch, question, count, name, noun)


def _send(bulk: Bulk, total: int) -> tuple[list[Result], bool]:
    """Send the plan; Ctrl-C stops sending further trunks and waits for those on their way, so each ends
    with a result and its audit line; a second Ctrl-C stops waiting (their result is then unknown)."""
    ended: list[list[Result] | BaseException] = []
    finished = threading.Event()

    def send() -> None:
        try:
            ended.append(bulk.run(_progress(total)))
        except BaseException as error:  # noqa: BLE001 - raised again in the thread that waits
            ended.append(error)
        finally:
            finished.set()

    # An Event is waited on, not the thread: a join broken by Ctrl-C can return early the next time.
    threading.Thread(target=send, daemon=True, name="trunktui-send").start()
    interrupted = False
    try:
        finished.wait()
    except KeyboardInterrupt:
        interrupted = True
        bulk.stop()
        say("Stopping: no further trunk is sent; waiting for those on their way (Ctrl-C again stops waiting).")
        try:
            finished.wait()
        except KeyboardInterrupt:
            bulk.abandon()
            finished.wait()
    if isinstance(ended[0], BaseException):
        raise ended[0]
    return ended[0], interrupted


def shown(name: str, value: Any, options: Options) -> Any:
    from trunktui.export import MASKED

    return MASKED if is_secret(name) and value and not options.secrets else value


def _preview_row(change: Change, member: str, old: Any, new: Any, options: Options) -> dict[str, Any]:
    trunk = change.trunk
    if change.delete:
        return {"i_trunk": trunk.i_trunk, "name": trunk.name, "i_account": trunk.get("i_account"),
                "member": "", "old": None, "new": "(deleted)"}
    old, new = preview_values(member, old, new, options)
    return {"i_trunk": trunk.i_trunk, "name": trunk.name, "i_account": trunk.get("i_account"), "member": member,
            "old": old, "new": new}


def preview_values(member: str, old: Any, new: Any, options: Options) -> tuple[Any, Any]:
    """A member's old and new value as a preview shows them: a secret's as ``***`` and ``(changed)`` unless
    asked for, a member the switch left out as NULL."""
    from trunktui.export import MASKED

    if is_secret(member) and not options.secrets:
        return (MASKED if old else old), SECRET_CHANGED
    return (None if old is ABSENT else old), new


def _result_row(result: Result) -> dict[str, Any]:
    return _row(result.change.trunk, result.status.value, result.detail)


def _row(trunk: Trunk, result: str, detail: str) -> dict[str, Any]:
    return {"i_trunk": trunk.i_trunk, "name": trunk.name, "i_account": trunk.get("i_account"), "result": result,
            "detail": detail}


def print_records(shape: Shape, options: Options, rows: Iterable[Mapping[str, Any]],
                  stream: Any = None) -> None:
    out = Writer(shape, options, stream or sys.stdout)
    out.add(rows)
    out.end()


def _progress(total: int) -> Any:
    """A live line of how many trunks were sent: a trunk told "not sent" (sending stopped) is not counted."""
    from trunktui.bulk import Status

    live = total > 1 and colour_wanted(sys.stderr)
    sent_count = 0

    def tell(sent: Sent) -> None:
        nonlocal sent_count
        sent_count += sent.result.status is not Status.NOT_SENT
        if live:
            sys.stderr.write(f"\rSent {sent_count:,} of {sent.total:,}…" + ("\n" if sent.done == sent.total else ""))
            sys.stderr.flush()

    return tell


def _tally(results: Sequence[Result], unchanged: int) -> str:
    from trunktui.bulk import Status

    counts = {status.value: sum(result.status is status for result in results) for status in Status}
    counts[UNCHANGED] = unchanged
    return " · ".join(f"{count} {word}" for word, count in counts.items() if count) or "Nothing sent."


def _exit(results: Sequence[Result]) -> Exit:
    """The worst outcome: unknown or not sent (3), then failed or gone (1), then a conflict (5)."""
    from trunktui.bulk import Status

    statuses = {result.status for result in results}
    if statuses & {Status.UNKNOWN, Status.NOT_SENT}:
        return Exit.NETWORK
    if statuses & {Status.FAILED, Status.GONE}:
        return Exit.FAULT
    if Status.CONFLICT in statuses:
        return Exit.REFUSED
    return Exit.OK

