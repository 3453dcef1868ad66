"""A second Sippy-like switch, written only with the standard library, with habits of its own.

trunktui must not work only with the simulator it ships. This server is
built independently (``xmlrpc.server.SimpleXMLRPCServer``, no Digest: it is
reached in trusted mode) and answers as some switches in service do:

* members with no value (NULL or an empty string) are left out of a trunk;
* booleans are sent as ``<int>`` 0 or 1;
* it knows only the trunk and account calls, nothing else;
* ``listAccounts`` ignores ``offset`` and ``limit``: every account, every time.

``ForeignSwitch.calls`` records each call's method and params, so a test can
say exactly what reached it.

``ForeignSwitch2022`` speaks the 2022+ API the same way: trunks with no
destination, their connections in a list of their own, and still no
``system.listMethods``, ``system.multicall`` or ``getDictionary``; a method
it lacks is answered as ``SimpleXMLRPCServer`` does ('method "X" is not
supported').
"""

from __future__ import annotations

import fnmatch
import threading
import xmlrpc.client
from collections.abc import Callable
from typing import Any
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer


class _Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/xmlapi/xmlapi",)


def _like(pattern: str) -> str:
    """An SQL LIKE pattern as a shell pattern (enough for the tests' patterns)."""
    return pattern.replace("*", "[*]").replace("?", "[?]").replace("%", "*").replace("_", "?")


class ForeignSwitch:
    """One customer's accounts and trunks, served on 127.0.0.1 at an ephemeral port."""

    def __init__(self) -> None:
        self.accounts = [{"i_account": 1, "username": "foreign-main", "description": "Elsewhere Ltd"}]
        self.trunks: dict[int, dict[str, Any]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._next = 1
        self._server = SimpleXMLRPCServer(("127.0.0.1", 0), _Handler, logRequests=False, allow_none=False)
        methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "listAccounts": self._list_accounts,
            "getAccountInfo": self._account_info,
            "getTrunksList": self._trunks_list,
            "getTrunkInfo": self._trunk_info,
            "createTrunk": self._create,
            "updateTrunk": self._update,
            "deleteTrunk": self._delete,
        }
        for name, method in methods.items():
            self._server.register_function(self._recorded(name, method), name)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/xmlapi/xmlapi"

    def start(self) -> ForeignSwitch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add(self, **members: Any) -> int:
        """Store a trunk as given (this switch's own data), returning its id."""
        i_trunk = self._next
        self._next += 1
        self.trunks[i_trunk] = {"i_trunk": i_trunk, "i_account": 1, **members}
        return i_trunk

    def add_accounts(self, count: int) -> None:
        """Add ``count`` more accounts, numbered on from the last and named ``far-NNN``, as this switch
        sends them: with no balance or currency, and every seventh with no description either."""
        for i_account in range(len(self.accounts) + 1, len(self.accounts) + 1 + count):
            account: dict[str, Any] = {"i_account": i_account, "username": f"far-{i_account:03d}"}
            if i_account % 7:
                account["description"] = f"Far {i_account}"
            self.accounts.append(account)

    def _recorded(self, name: str, method: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[..., Any]:
        def call(params: dict[str, Any]) -> dict[str, Any]:
            self.calls.append((name, dict(params)))
            return method(params)
        return call

    @staticmethod
    def _wire(trunk: dict[str, Any]) -> dict[str, Any]:
        return {name: int(value) if isinstance(value, bool) else value
                for name, value in trunk.items() if value is not None and value != ""}

    def _trunk(self, params: dict[str, Any]) -> dict[str, Any]:
        trunk = self.trunks.get(params.get("i_trunk", 0))
        if trunk is None:
            raise xmlrpc.client.Fault(404, "No such trunk")
        return trunk

    def _list_accounts(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"result": "OK", "accounts": self.accounts}

    def _account_info(self, params: dict[str, Any]) -> dict[str, Any]:
        for account in self.accounts:
            if params.get("i_account") == account["i_account"] or params.get("username") == account["username"]:
                return {"result": "OK", "account": account}
        raise xmlrpc.client.Fault(404, "No such account")

    def _trunks_list(self, params: dict[str, Any]) -> dict[str, Any]:
        pattern = _like(params.get("name_pattern") or "%")
        mine = (trunk for trunk in self.trunks.values() if trunk["i_account"] == params.get("i_account"))
        found = [self._wire(trunk) for trunk in mine if fnmatch.fnmatchcase(trunk.get("name", ""), pattern)]
        return {"result": "OK", "trunks": found}

    def _trunk_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"result": "OK", "trunk": self._wire(self._trunk(params))}

    def _create(self, params: dict[str, Any]) -> dict[str, Any]:
        members = {k: v for k, v in params.items() if k not in ("i_account", "i_customer")}
        return {"result": "OK", "i_trunk": self.add(**members)}

    def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        trunk = self._trunk(params)
        trunk.update({k: v for k, v in params.items() if k not in ("i_trunk", "i_customer")})
        return {"result": "OK"}

    def _delete(self, params: dict[str, Any]) -> dict[str, Any]:
        del self.trunks[self._trunk(params)["i_trunk"]]
        return {"result": "OK"}


class ForeignSwitch2022(ForeignSwitch):
    """The 2022+ API with this server's habits: connections are kept in the order they were added,
    and ``order_no`` is only what a client last sent (this switch keeps no order of its own)."""

    def __init__(self) -> None:
        super().__init__()
        self.connections: dict[int, dict[str, Any]] = {}
        methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "getTrunkConnectionsList": self._connections_list,
            "getTrunkConnectionInfo": self._connection_info,
            "createTrunkConnection": self._create_connection,
            "updateTrunkConnection": self._update_connection,
            "deleteTrunkConnection": self._delete_connection,
        }
        for name, method in methods.items():
            self._server.register_function(self._recorded(name, method), name)

    def connect(self, i_trunk: int, **members: Any) -> int:
        """Store a connection of trunk ``i_trunk`` as given, returning its id."""
        i_connection = 1000 + len(self.connections) + 1
        self.connections[i_connection] = {"i_trunk_connection": i_connection, "i_trunk": i_trunk, **members}
        return i_connection

    def _connection(self, params: dict[str, Any]) -> dict[str, Any]:
        connection = self.connections.get(params.get("i_trunk_connection", 0))
        if connection is None:
            raise xmlrpc.client.Fault(404, "No such trunk connection")
        return connection

    def _connections_list(self, params: dict[str, Any]) -> dict[str, Any]:
        self._trunk(params)
        found = [self._wire(c) for c in self.connections.values() if c["i_trunk"] == params["i_trunk"]]
        return {"result": "OK", "trunk_connections": found}

    def _connection_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"result": "OK", "trunk_connection": self._wire(self._connection(params))}

    def _create_connection(self, params: dict[str, Any]) -> dict[str, Any]:
        members = {k: v for k, v in params.items() if k not in ("i_trunk", "i_customer")}
        return {"result": "OK", "i_trunk_connection": self.connect(self._trunk(params)["i_trunk"], **members)}

    def _update_connection(self, params: dict[str, Any]) -> dict[str, Any]:
        connection = self._connection(params)
        connection.update({k: v for k, v in params.items() if k not in ("i_trunk_connection", "i_customer")})
        return {"result": "OK"}

    def _delete_connection(self, params: dict[str, Any]) -> dict[str, Any]:
        del self.connections[self._connection(params)["i_trunk_connection"]]
        return {"result": "OK"}
