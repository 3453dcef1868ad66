"""The XML-RPC methods the simulator answers, with a real server's checks.

Each method takes the customer the call acts for and the call's one struct,
and returns the answer struct or raises ``xmlrpc.client.Fault``; a trunk
list is ``Streamed``, read batch by batch as the answer is sent. Members are
checked with the schema's own validation (``Schema.create_params`` and
``update_params``), the same code the client runs before sending, so both
sides refuse the same values; but for a routing policy, which the switch
alone knows the list of (the client offers what ``getDictionary`` lists,
and sends what it is given). Anything that belongs to another customer is
answered exactly like something that does not exist, so a login cannot
probe for other customers' data.

A switch speaks one trunks API (``versions.Api``): the 2020 methods, or the
2022+ ones with trunk connections, routing policies and ``getDictionary``.
A method of the other API is one it does not have.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from xmlrpc.client import Fault

from trunktui.errors import InputError
from trunktui.model import INT32_MAX, Schema
from trunktui.simulator.outcome import Streamed
from trunktui.simulator.store import BadPattern, DuplicateName, Store
from trunktui.versions import CONNECTIONS, POLICIES, Api

PARSE_ERROR = -32700
UNKNOWN_METHOD = -32601
UNKNOWN_METHOD_TEXT = "we do not have a method with that name"
"""Sippy's fault string for a method it lacks; the method's name is left out, as Sippy leaves it out."""
BAD_PARAMS = 400
UNAUTHORIZED = 401
NOT_FOUND = 404
DUPLICATE = 409
INJECTED = 500

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
DEFAULT_POLICY = POLICIES[0]
DICTIONARIES: Mapping[str, tuple[str, ...]] = {"trunk_policies": POLICIES}
"""What ``getDictionary`` answers on a 2022+ switch: each dictionary's values."""
# Every call may carry i_customer: trusted mode needs it, and a login's own
# customer wins over it, so it is accepted and ignored here.
ALWAYS_ALLOWED = frozenset({"i_customer"})

Params = dict[str, Any]
Method = Callable[[int, Params], dict[str, Any]]


class UnknownMethod(Fault):
    """The fault for a call to a method the switch does not have."""

    def __init__(self) -> None:
        super().__init__(UNKNOWN_METHOD, UNKNOWN_METHOD_TEXT)


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


def _member(schema: Schema, name: str, params: Params) -> Any:
    try:
        return schema.by_name[name].validate(params[name])
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


def _pattern(params: Params) -> str | None:
    pattern = params.get("name_pattern")
    if pattern is not None and not isinstance(pattern, str):
        raise bad_params("name_pattern: must be a string")
    return pattern


def _settable(params: Params, *exclude: str) -> Params:
    """The members that set a record's values: all but ``i_customer`` and ``exclude``."""
    return {k: v for k, v in params.items() if k not in ALWAYS_ALLOWED and k not in exclude}


def _check_policy(values: Mapping[str, Any]) -> None:
    if "policy" in values and values["policy"] not in POLICIES:
        raise bad_params(f"policy: must be one of {', '.join(POLICIES)}")


class Methods:
    """The method table of one simulated switch, speaking ``api``.

    ``case_insensitive_like`` makes ``name_pattern`` match like ILIKE.
    ``extra_members`` is read on every call, so it can be changed while the
    server runs, and its members are added to every trunk returned.
    """

    def __init__(
        self,
        store: Store,
        *,
        api: Api = Api.V2020,
        case_insensitive_like: bool = False,
        extra_members: Callable[[], Mapping[str, object]] = dict,
    ) -> None:
        self.store = store
        self.api = api
        self.trunks: Schema = api.trunks
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
        if api.has_connections:
            self.table.update({
                "getDictionary": self.get_dictionary,
                "getTrunkConnectionsList": self.get_trunk_connections_list,
                "getTrunkConnectionInfo": self.get_trunk_connection_info,
                "createTrunkConnection": self.create_trunk_connection,
                "updateTrunkConnection": self.update_trunk_connection,
                "deleteTrunkConnection": self.delete_trunk_connection,
            })

    def call(self, name: str, i_customer: int, params: Params) -> dict[str, Any]:
        method = self.table.get(name)
        if method is None:
            raise UnknownMethod()
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
        pattern = _pattern(params)
        try:
            batches = self.store.trunk_batches(
                account["i_account"], pattern, case_insensitive=self.case_insensitive_like, api=self.api
            )
        except BadPattern as error:
            raise bad_params(str(error)) from None
        return {"result": "OK", "trunks": Streamed([self._with_extras(t) for t in batch] for batch in batches)}

    def get_trunk_info(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, ("i_trunk",))
        _refuse_unknown(params, frozenset({"i_trunk"}))
        trunk = self._trunk(i_customer, _member(self.trunks, "i_trunk", params))
        return {"result": "OK", "trunk": self._with_extras(trunk)}

    def create_trunk(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, tuple(f.name for f in self.trunks.required))
        try:
            values = self.trunks.create_params(_settable(params))
        except InputError as error:
            raise _fault_from(error) from None
        if self.api.has_connections:
            values.setdefault("policy", DEFAULT_POLICY)
            _check_policy(values)
        self._account(i_customer, values)
        try:
            i_trunk = self.store.create_trunk(values, api=self.api)
        except DuplicateName:
            raise self._duplicate(values["name"], values["i_account"]) from None
        return {"result": "OK", "i_trunk": i_trunk}

    def update_trunk(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, ("i_trunk",))
        i_trunk = _member(self.trunks, "i_trunk", params)
        try:
            changes = self.trunks.update_params(_settable(params, "i_trunk"))
        except InputError as error:
            raise _fault_from(error) from None
        _check_policy(changes)
        trunk = self._trunk(i_customer, i_trunk)
        try:
            found = self.store.update_trunk(i_customer, i_trunk, changes, api=self.api)
        except DuplicateName:
            raise self._duplicate(changes["name"], trunk["i_account"]) from None
        if not found:
            raise Fault(NOT_FOUND, f"Trunk {i_trunk} not found")
        return {"result": "OK", "i_trunk": i_trunk} if self.api.has_connections else {"result": "OK"}

    def delete_trunk(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, ("i_trunk",))
        _refuse_unknown(params, frozenset({"i_trunk"}))
        i_trunk = _member(self.trunks, "i_trunk", params)
        if not self.store.delete_trunk(i_customer, i_trunk, api=self.api):
            raise Fault(NOT_FOUND, f"Trunk {i_trunk} not found")
        return {"result": "OK"}

    def get_dictionary(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, ("name",))
        _refuse_unknown(params, frozenset({"name"}))
        name = params["name"]
        values = DICTIONARIES.get(name) if isinstance(name, str) else None
        if values is None:
            raise Fault(NOT_FOUND, "No such dictionary")
        return {"result": "OK", "dictionary": [{"value": value, "name": value} for value in values]}

    def get_trunk_connections_list(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, ("i_trunk",))
        _refuse_unknown(params, frozenset({"i_trunk", "name_pattern"}))
        i_trunk = _member(CONNECTIONS, "i_trunk", params)
        try:
            connections = self.store.list_connections(
                i_customer, i_trunk, _pattern(params), case_insensitive=self.case_insensitive_like
            )
        except BadPattern as error:
            raise bad_params(str(error)) from None
        if connections is None:
            raise Fault(NOT_FOUND, f"Trunk {i_trunk} not found")
        return {"result": "OK", "trunk_connections": connections}

    def get_trunk_connection_info(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, ("i_trunk_connection",))
        _refuse_unknown(params, frozenset({"i_trunk_connection"}))
        i_connection = _member(CONNECTIONS, "i_trunk_connection", params)
        connection = self.store.get_connection(i_customer, i_connection)
        if connection is None:
            raise Fault(NOT_FOUND, f"Trunk connection {i_connection} not found")
        return {"result": "OK", "trunk_connection": connection}

    def create_trunk_connection(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, tuple(f.name for f in CONNECTIONS.required))
        try:
            values = CONNECTIONS.create_params(_settable(params))
        except InputError as error:
            raise _fault_from(error) from None
        try:
            i_connection = self.store.create_connection(i_customer, values)
        except DuplicateName:
            raise self._duplicate_connection(values["name"], values["i_trunk"]) from None
        if i_connection is None:
            raise Fault(NOT_FOUND, f"Trunk {values['i_trunk']} not found")
        return {"result": "OK", "i_trunk_connection": i_connection}

    def update_trunk_connection(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, ("i_trunk_connection",))
        i_connection = _member(CONNECTIONS, "i_trunk_connection", params)
        try:
            changes = CONNECTIONS.update_params(_settable(params, "i_trunk_connection"))
        except InputError as error:
            raise _fault_from(error) from None
        try:
            found = self.store.update_connection(i_customer, i_connection, changes)
        except DuplicateName:
            connection = self.store.get_connection(i_customer, i_connection) or {}
            raise self._duplicate_connection(changes["name"], connection.get("i_trunk")) from None
        if not found:
            raise Fault(NOT_FOUND, f"Trunk connection {i_connection} not found")
        return {"result": "OK", "i_trunk_connection": i_connection}

    def delete_trunk_connection(self, i_customer: int, params: Params) -> dict[str, Any]:
        _require(params, ("i_trunk_connection",))
        _refuse_unknown(params, frozenset({"i_trunk_connection"}))
        i_connection = _member(CONNECTIONS, "i_trunk_connection", params)
        if not self.store.delete_connection(i_customer, i_connection):
            raise Fault(NOT_FOUND, f"Trunk connection {i_connection} not found")
        return {"result": "OK"}

    def _account(self, i_customer: int, params: Params) -> dict[str, Any]:
        i_account = _member(self.trunks, "i_account", params)
        account = self.store.get_account(i_customer, i_account=i_account)
        if account is None:
            raise Fault(NOT_FOUND, f"Account {i_account} not found")
        return account

    def _trunk(self, i_customer: int, i_trunk: int) -> dict[str, Any]:
        trunk = self.store.get_trunk(i_customer, i_trunk, api=self.api)
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

    @staticmethod
    def _duplicate_connection(name: str, i_trunk: Any) -> Fault:
        return Fault(DUPLICATE, f"A trunk connection named {name!r} already exists in trunk {i_trunk}")
