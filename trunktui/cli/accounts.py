"""``trunktui accounts list``: the login's accounts (the customer's, in trusted mode)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from trunktui.cli.output import Column, Shape, Writer
from trunktui.cli.verbs import add_output, output_options, say, verb
from trunktui.model import ACCOUNT_MEMBERS, Account

if TYPE_CHECKING:
    from trunktui.cli.switch import Switch

_LABELS = {"i_account": "ID", "base_currency": "Currency", "credit_limit": "Credit limit"}
ACCOUNTS = Shape(
    columns=tuple(Column(name, _LABELS.get(name, name.capitalize())) for name in ACCOUNT_MEMBERS[:5]),
    wide=tuple(Column(name, _LABELS.get(name, name.replace("_", " ").capitalize())) for name in ACCOUNT_MEMBERS),
    name="username", key="i_account")


def register(verbs: Any) -> None:
    parser = verb(verbs, "list", "list every account of the login, a page at a time", """\
  trunktui --profile lab accounts list
  trunktui --profile lab accounts list -o json > accounts.json
  trunktui --profile lab accounts list -o name          # one username a line""", list_accounts)
    add_output(parser, secrets=False)


def account_object(account: Account) -> dict[str, Any]:
    """An account as JSON: its members as the switch sent them, those trunktui does not know after."""
    members = asdict(account)
    extra = members.pop("extra")
    return {**members, **extra}


def list_accounts(args: argparse.Namespace, switch: Switch) -> int:
    from trunktui.api.client import every_account

    out = Writer(ACCOUNTS, output_options(args), sys.stdout)
    for account in every_account(switch.client):
        out.add([account_object(account)])
    out.end()
    if not out.count:
        say("No accounts.")
    return 0
