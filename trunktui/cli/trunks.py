"""``trunktui trunks list | get | find``: reading trunks, one account's or every account's.

A trunk is printed as ``export`` writes it (``json_object``): every member
the switch returned, in its types, and on a 2022+ switch its
``connections``. Tables add the columns the app's table works out
(``first_destination``, ``connection_count``), which ``--fields`` can
name too.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from trunktui.cli.arguments import whole
from trunktui.cli.assignments import version
from trunktui.cli.exits import Exit, UsageError, exit_for
from trunktui.cli.output import Column, Options, Shape, Writer, cell, colour_wanted, terminal_json
from trunktui.cli.verbs import add_output, output_options, say, verb
from trunktui.columns import Derived, table_for
from trunktui.errors import ApiError, AuthError, InputError, TrunkTuiError
from trunktui.model import ABSENT, FIRST_ID, Account, Schema, Trunk, is_secret
from trunktui.patterns import pattern_problem
from trunktui.search_fields import FIELDS
from trunktui.text import counted, printable
from trunktui.versions import CONNECTIONS, Api

if TYPE_CHECKING:
    from trunktui.api import SippyClient
    from trunktui.cli.switch import Switch
    from trunktui.search import Query, Searched

DATA_FORMATS = ("json", "jsonl", "csv")
ACCOUNT, MATCHED, VALUE = "account", "matched", "value"
"""What ``find`` adds to a table (and to ``--fields``): the account's username, where the trunk matched, the
value that matched; ``--all-accounts`` adds the username too."""
USERNAME = Column(ACCOUNT, "Account name")
"""The account's username, headed apart from the trunk's ``i_account`` ("Account")."""


def shape(api: Api, found: bool = False, every: bool = False) -> Shape:
    """The trunk table of ``api``, as the app's; ``found`` puts the account first and where it matched last,
    ``every`` the account first."""
    table = table_for(api)
    columns = tuple(Column(column.name, column.label) for column in table.columns)
    wide = tuple(Column(spec.name, spec.label) for spec in api.trunks.fields)
    wide += tuple(column for column in columns if column.name not in api.trunks.by_name)
    if every:
        columns, wide = (USERNAME, *columns), (USERNAME, *wide)
    if found:
        columns = (USERNAME, *columns[:2], Column(MATCHED, "Matched"), Column(VALUE, "Value"))
        wide = (USERNAME, *wide, Column(MATCHED, "Matched"), Column(VALUE, "Value"))
    return Shape(columns, wide, name="name", key="i_trunk")


def trunk_item(trunk: Trunk, api: Api, options: Options) -> dict[str, Any]:
    """A trunk as printed: as exported (secrets masked unless asked for), with the worked-out columns where
    a table or ``--fields`` may show them. A table shows a 2022+ trunk's connections as their count, once
    (``connection_count``), unless ``--fields`` names ``connections``."""
    from trunktui.export import ExportOptions, json_object

    item = json_object(trunk, ExportOptions(everything=True, secrets=options.secrets), api)
    if options.fmt in DATA_FORMATS and not options.fields:
        return item
    if not options.fields:
        item.pop("connections", None)
    for column in table_for(api).columns:
        if isinstance(column, Derived) and (value := column.value(trunk)) is not ABSENT:
            item[column.name] = value
    return item


def register(verbs: Any) -> None:
    listing = verb(verbs, "list", "list one account's trunks, or those whose name matches a pattern", """\
  trunktui --profile lab trunks list --account acme-wholesale
  trunktui --profile lab trunks list --account 3 --pattern 'telia%' -o json
  trunktui --profile lab trunks list --account 3 --fields i_trunk,name,capacity -o csv
  trunktui --profile lab trunks list --account 3 -o jsonl | jq .name
  trunktui --profile lab trunks list --all-accounts -o json > trunks.json""", list_trunks, check_list)
    listing.add_argument("--account", dest="in_account", metavar="ID|NAME", help="the account (i_account or username)")
    listing.add_argument("--all-accounts", action="store_true",
                         help="every account's trunks, one account after another (an export of them all)")
    listing.add_argument("--pattern", metavar="LIKE", help="the switch's name pattern: % any text, _ one character")
    add_output(listing)

    get = verb(verbs, "get", "show one trunk: every member, its version and (2022+) its connections", """\
  trunktui --profile lab trunks get 1042
  trunktui --profile lab trunks get 1042 -o json""", get_trunk)
    get.add_argument("i_trunk", type=trunk_id, metavar="ID", help="the trunk's i_trunk")
    add_output(get, ("table", "json"))

    find = verb(verbs, "find", "search every account's trunks, as the app's search screen does", """\
  trunktui --profile lab trunks find 198.51.100.7                 # destinations, names, descriptions…
  trunktui --profile lab trunks find 198.51.100.7 --field destination -o json
  trunktui --profile lab trunks find 'telia%' --field name -o id | trunktui --profile lab trunks set \\
      --ids-from - capacity=30 --dry-run""", find_trunks, check_find)
    find.add_argument("query", metavar="QUERY", help="text, an address (host, :port, host:port) or a name pattern")
    find.add_argument("--field", choices=tuple(FIELDS), default="any",
                      help="where to look: " + ", ".join(FIELDS) + " (default any)")
    add_output(find)


def trunk_id(text: str) -> int:
    return whole(text, FIRST_ID)


def account_of(client: SippyClient, args: argparse.Namespace) -> Account:
    """The account ``--account`` names (the subcommand's, else the dashboard's)."""
    from trunktui.api.client import find_account

    text = args.in_account or args.account
    if not text:
        raise UsageError("give the account: --account ID|NAME")
    return find_account(client, text)


def schemas(args: argparse.Namespace) -> tuple[Schema, ...]:
    """The trunk schemas a command may meet before the switch is asked: the API ``--api`` names, or both."""
    if args.api in (Api.V2020.value, Api.V2022.value):
        return (Api(args.api).trunks,)
    return (Api.V2022.trunks, Api.V2020.trunks)


def check_find(args: argparse.Namespace) -> None:
    """A query that cannot be searched for, whatever the switch holds."""
    from trunktui.search import Query

    try:
        Query(args.query, args.field).check()
    except InputError as problem:
        raise UsageError(problem.message) from None


def check_list(args: argparse.Namespace) -> None:
    """What is wrong with a ``trunks list`` whatever the switch says."""
    if args.pattern is not None and (problem := pattern_problem(args.pattern)):
        raise UsageError(f"--pattern: {problem}")
    if args.all_accounts and (args.in_account or args.account):
        raise UsageError("give --account or --all-accounts, not both")
    if not args.all_accounts and not (args.in_account or args.account):
        raise UsageError("give the account: --account ID|NAME, or --all-accounts")


def list_trunks(args: argparse.Namespace, switch: Switch) -> int:
    """One account's trunks, or (``--all-accounts``) every account's, one account after another. JSON lines
    stream each batch as it arrives; every other format prints once the listing is read, and with
    ``--all-accounts`` an account whose list broke off is left out whole (and named on stderr)."""
    from trunktui.api.client import every_account

    client = switch.client
    accounts: Iterable[Account] = every_account(client) if args.all_accounts else [account_of(client, args)]
    options = output_options(args)
    streams = options.fmt == "jsonl"
    writer: Writer | None = None
    failed: list[TrunkTuiError] = []
    for account in accounts:
        read: list[dict[str, Any]] = []

        def arrived(batch: list[Trunk], account: Account = account, read: list[dict[str, Any]] = read) -> None:
            nonlocal writer
            api = client.api()
            if writer is None:
                writer = Writer(shape(api, every=args.all_accounts), options, sys.stdout)
            items = (trunk_item(trunk, api, options) for trunk in batch)
            if args.all_accounts:
                items = (_with_account(item, account, options) for item in items)
            if streams or not args.all_accounts:
                writer.add(items)
            else:
                read.extend(items)

        try:
            client.list_trunks(account.i_account, args.pattern or None, arrived=arrived)
        except ApiError as error:
            if not args.all_accounts or isinstance(error, AuthError):
                raise
            failed.append(error)
            say(f"The trunks of account {printable(account.username)} ({printable(account.i_account)}) could not "
                f"be read: {error}")
            continue
        if writer is not None and read:
            writer.add(read)
    if writer is None:
        writer = Writer(shape(client.api(), every=args.all_accounts), options, sys.stdout)
    writer.end()
    if not writer.count:
        where = "any account" if args.all_accounts else f"account {printable(account.username)}"
        say(f"No trunks in {where}" + (f" match {printable(args.pattern)}." if args.pattern else "."))
    return max((exit_for(error) for error in failed), default=Exit.OK)


def _with_account(item: dict[str, Any], account: Account, options: Options) -> dict[str, Any]:
    """The trunk of ``--all-accounts`` with its account's username, where a table or ``--fields`` may show it."""
    if options.fmt not in DATA_FORMATS or options.fields:
        item[ACCOUNT] = account.username
    return item


def get_trunk(args: argparse.Namespace, switch: Switch) -> int:
    from trunktui.export import ExportOptions, connection_object, json_object

    client = switch.client
    trunk = client.get_trunk(args.i_trunk)
    api = client.api()
    options = output_options(args)
    if options.fmt == "json":
        item = json_object(trunk, ExportOptions(everything=True, secrets=options.secrets), api)
        sys.stdout.write(one_json(item, options))
        return Exit.OK
    show_members(trunk.members, api.trunks.label, options, version(trunk.members))
    if trunk.connections is not None:
        print()
        say(f"{counted(len(trunk.connections), 'connection')}, top to bottom:")
        out = Writer(CONNECTION_SHAPE, Options(headers=options.headers, secrets=options.secrets), sys.stdout)
        out.add(connection_object(c, ExportOptions(secrets=options.secrets)) for c in trunk.connections)
        out.end()
    return Exit.OK


def one_json(item: dict[str, Any], options: Options) -> str:
    chosen = {name: item[name] for name in options.fields if name in item} if options.fields else item
    return terminal_json(chosen) + "\n"


def show_members(members: Any, label: Any, options: Options, version_text: str | None = None) -> None:
    """A record as ``name: value`` lines, labels aligned, values whole but terminal-safe."""
    from trunktui.export import ExportOptions, masked_member

    names = [name for name in (options.fields or members) if name in members]
    lines = [(f"{label(name)} ({name})" if label(name) != name else name,
              cell(masked_member(members, name, ExportOptions(secrets=options.secrets)), None))
             for name in names]
    if version_text is not None and not options.fields:
        lines.append(("Version", version_text))
    width = max((len(printable(key)) for key, _ in lines), default=0)
    bold = colour_wanted(sys.stdout)
    for key, value in lines:
        key = printable(key).ljust(width)
        print((f"\x1b[1m{key}\x1b[0m  {value}" if bold else f"{key}  {value}").rstrip())


CONNECTION_SHAPE = Shape(
    columns=tuple(Column(spec.name, spec.label) for spec in CONNECTIONS.fields if spec.in_table),
    wide=tuple(Column(spec.name, spec.label) for spec in CONNECTIONS.fields),
    name="name", key="i_trunk_connection")


def find_trunks(args: argparse.Namespace, switch: Switch) -> int:
    from trunktui.search import Query, Search

    client = switch.client
    query = Query(args.query, args.field)
    options = output_options(args)
    api = client.api()
    out = Writer(shape(api, found=True), options, sys.stdout)
    search = Search(client, query, concurrency=switch.session.concurrency)

    def tell(searched: Searched) -> None:
        out.add(_found_items(searched, api, options, query))

    summary = search.run(tell)
    out.end()
    for failure in summary.failures:
        say(f"Account {printable(failure.account.username)} ({printable(failure.account.i_account)}) could not "
            f"be searched: {failure.error}")
    say(f"{counted(len(summary.found), 'match', 'matches')} in {counted(summary.searched, 'account')}"
        + (f"; {counted(len(summary.failures), 'account')} could not be read" if summary.failures else "") + ".")
    if summary.failures:
        passing = any(f.retryable and exit_for(f.error) is Exit.NETWORK for f in summary.failures)
        return Exit.NETWORK if passing else Exit.FAULT
    return Exit.OK


def _found_items(searched: Searched, api: Api, options: Options, query: Query) -> Iterable[dict[str, Any]]:
    from trunktui.export import MASKED

    for found in searched.found:
        item = trunk_item(found.trunk, api, options)
        if found.trunk.connections is None and api.has_connections:
            item.pop("connections", None)
        if options.fmt not in DATA_FORMATS or options.fields:
            secret = is_secret(found.hit.name) and not options.secrets
            item.update({ACCOUNT: found.account.username, MATCHED: found.hit.where(api.trunks),
                         VALUE: MASKED if secret else found.hit.value})
        yield item

