"""The XML-RPC methods the simulator answers, with a real server's checks.

Each method takes the customer the call acts for and the call's one struct,
and returns the answer struct or raises ``xmlrpc.client.Fault``; a trunk
list is ``Streamed``, read batch by batch as the answer is sent. Trunk
members are checked with ``model.Field.validate``, the same code the client
runs before sending, so both sides refuse the same values. Anything that
belongs to another customer is answered exactly like something that does
not exist, so a login cannot probe for other customers' data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from xmlrpc.client import Fault

from trunktui.errors import InputError
from trunktui.model import (
    FIELDS_BY_NAME,
    INT32_MAX,
    TRUNK_FIELDS,
    TRUNKS_2020,
    OnCreate,
)
from trunktui.simulator.outcome import Streamed
from trunktui.simulator.store import BadPattern, DuplicateName, Store

PARSE_ERROR = -32700
UNKNOWN_METHOD = -32601
BAD_PARAMS = 400
UNAUTHORIZED = 401
NOT_FOUND = 404
DUPLICATE = 409
INJECTED = 500

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# Every call may carry i_customer: trusted mode needs it, and a login's own
# customer wins over it, so it is accepted and ignored here.
ALWAYS_ALLOWED = frozenset({"i_customer"})

Params = dict[str, Any]
Method = Callable[[int, Params], dict[str, Any]]

_REQUIRED_ON_CREATE = tuple(f.name for f in TRUNK_FIELDS if f.on_create is OnCreate.REQUIRED)


def bad_params(message: str) -> Fault:
    return Fault(BAD_PARAMS, message)


def _require(params: Params, names: tuple[str, ...]) -> None:
    missing = [name for name in names if name not in params]
    if missing:
        raise bad_params(f"Missing required member: {', '.join(missing)}")


def _refuse_unknown(params: Params, allowed: frozenset[str]) -> None:
    unknown = sorted(set(params) - allowed - ALWAYS_ALLOWED)
    if unknown:
        raise bad_params(f"Unknown member: {', '.join(unknown)}")


def _fault_from(error: InputError) -> Fault:
    """The model's message, prefixed with the wire name unless it already says it."""
    message = error.message
    if error.field and repr(error.field) not in message:
        message = f"{error.field}: {message}"
    return bad_params(message)


def _trunk_member(name: str, params: Params) -> Any:
    try:
        return FIELDS_BY_NAME[name].validate(params[name])
    except InputError as error:
        raise _fault_from(error) from None


def _integer(params: Params, name: str, default: int, minimum: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_params(f"{name}: must be an integer")
    if value < minimum:
        raise bad_params(f"{name}: may not be less than {minimum}")
    if value > INT32_MAX:
        raise bad_params(f"{name}: may not be more than {INT32_MAX}")
    return value


def _settable(params: Params, *exclude: str) -> Params:
    """The members that set trunk values: all but ``i_customer`` and ``exclude``."""
    return {k: v for k, v in params.items() if k not in ALWAYS_ALLOWED and k not in exclude}


class Methods:
    """The method table of one simulated switch.

    ``case_insensitive_like`` makes ``name_pattern`` match like ILIKE.
    ``extra_members`` is read on every call, so it can be changed while the
    server runs, and its members are added to every trunk returned.
    """

    def __init__(
        self,
        store: Store,
        *,
        case_insensitive_like: bool = False,
        extra_members: Callable[[], Mapping[str, object]] = dict,
    ) -> None:
        self.store = store
        self.case_insensitive_like = case_insensitive_like
        self._extra_members = extra_members
        self.table: dict[str, Method] = {
            "listAccounts": self.list_accounts,
            "getAccountInfo": self.get_account_info,
            "getTrunksList": self.get_trunks_list,
            "getTrunkInfo": self.get_trunk_info,
            "createTrunk": self.create_trunk,
            "updateTrunk": self.update_trunk,
            "deleteTrunk": self.delete_trunk,
        }

    def call(self, name: str, i_customer: int, params: Params) -> dict[str, Any]:
        method = self.table.get(name)
        if method is None:
            raise Fault(UNKNOWN_METHOD, f"Unknown method: {name}")
        return method(i_customer, params)

    def list_accounts(self, i_customer: int, params: Params) -> dict[str, Any]:
        _refuse_unknown(params, frozenset({"offset", "limit"}))
        offset = _integer(params, "offset", 0, 0)
        limit = min(_integer(params, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
        return {"result": "OK", "accounts": self.store.list_accounts(i_customer, offset, limit)}

    def get_account_info(self, i_customer: int, params: Params) -> dict[str, Any]:
        _refuse_unknown(params, frozenset({"i_account", "username"}))
        if ("i_account" in params) == ("username" in params):
            raise bad_params("Give exactly one of i_account or username")
        if "username" in params:
            username = params["username"]
            if not isinstance(username, str):
                raise bad_params("username: must be a string")
            account = self.store.get_account(i_customer, username=username)
            if account is None:
                raise Fault(NOT_FOUND, f"Account {username!r} not found")
            return {"result": "OK", "account": account}
        return {"result": "OK", "account": self._account(i_customer, params)}

    def get_trunks_list(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, ("i_account",))
        _refuse_unknown(params, frozenset({"i_account", "name_pattern"}))
        account = self._account(i_customer, params)
        pattern = params.get("name_pattern")
        if pattern is not None and not isinstance(pattern, str):
            raise bad_params("name_pattern: must be a string")
        try:
            batches = self.store.trunk_batches(
                account["i_account"], pattern, case_insensitive=self.case_insensitive_like
            )
        except BadPattern as error:
            raise bad_params(str(error)) from None
        return {"result": "OK", "trunks": Streamed([self._with_extras(t) for t in batch] for batch in batches)}

    def get_trunk_info(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, ("i_trunk",))
        _refuse_unknown(params, frozenset({"i_trunk"}))
        trunk = self._trunk(i_customer, _trunk_member("i_trunk", params))
        return {"result": "OK", "trunk": self._with_extras(trunk)}

    def create_trunk(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, _REQUIRED_ON_CREATE)
        try:
            values = TRUNKS_2020.create_params(_settable(params))
        except InputError as error:
            raise _fault_from(error) from None
        self._account(i_customer, values)
        try:
            i_trunk = self.store.create_trunk(values)
        except DuplicateName:
            raise self._duplicate(values["name"], values["i_account"]) from None
        return {"result": "OK", "i_trunk": i_trunk}

    def update_trunk(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, ("i_trunk",))
        i_trunk = _trunk_member("i_trunk", params)
        try:
            changes = TRUNKS_2020.update_params(_settable(params, "i_trunk"))
        except InputError as error:
            raise _fault_from(error) from None
        trunk = self._trunk(i_customer, i_trunk)
        try:
            found = self.store.update_trunk(i_customer, i_trunk, changes)
        except DuplicateName:
            raise self._duplicate(changes["name"], trunk["i_account"]) from None
        if not found:
            raise Fault(NOT_FOUND, f"Trunk {i_trunk} not found")
        return {"result": "OK"}

    def delete_trunk(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, ("i_trunk",))
        _refuse_unknown(params, frozenset({"i_trunk"}))
        i_trunk = _trunk_member("i_trunk", params)
        if not self.store.delete_trunk(i_customer, i_trunk):
            raise Fault(NOT_FOUND, f"Trunk {i_trunk} not found")
        return {"result": "OK"}

    def _account(self, i_customer: int, params: Params) -> dict[str, Any]:
        i_account = _trunk_member("i_account", params)
        account = self.store.get_account(i_customer, i_account=i_account)
        if account is None:
            raise Fault(NOT_FOUND, f"Account {i_account} not found")
        return account

    def _trunk(self, i_customer: int, i_trunk: int) -> dict[str, Any]:
        trunk = self.store.get_trunk(i_customer, i_trunk)
        if trunk is None:
            raise Fault(NOT_FOUND, f"Trunk {i_trunk} not found")
        return trunk

    def _with_extras(self, trunk: dict[str, Any]) -> dict[str, Any]:
        for name, value in self._extra_members().items():
            trunk.setdefault(name, value)
        return trunk

    @staticmethod
    def _duplicate(name: str, i_account: int) -> Fault:
        return Fault(DUPLICATE, f"A trunk named {name!r} already exists in account {i_account}")
