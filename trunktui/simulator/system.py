"""The XML-RPC ``system.`` methods a switch may offer: ``listMethods`` and ``multicall``.

Clients use ``system.listMethods`` to learn which trunks API a switch speaks
(``Knobs.introspection`` turns it off, as on switches without it), and
``system.multicall`` to read many trunks' connections in one request. A
multicall answers each call in the XML-RPC way: a one-item array holding
its answer, or a fault struct for a call that failed, so one failure does
not spoil the others. It is one request: the fault knobs count it once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xmlrpc.client import Fault

from trunktui.simulator.knobs import Knobs
from trunktui.simulator.log import log_exception
from trunktui.simulator.methods import UNAUTHORIZED, Methods, Params, UnknownMethod, bad_params
from trunktui.simulator.outcome import INTERNAL_ERROR, Streamed

LIST_METHODS = "system.listMethods"
MULTICALL = "system.multicall"
INVALID_REQUEST = -32600
ONE_STRUCT = "Parameters must be exactly one struct"
UNTRUSTED = "Trusted call needs i_customer naming an existing customer"


def one_struct(params: tuple[Any, ...]) -> Params:
    """The one struct a Sippy method takes; a fault for anything else."""
    if len(params) != 1 or not isinstance(params[0], dict):
        raise bad_params(ONE_STRUCT)
    return params[0]


def names_a_customer(params: tuple[Any, ...]) -> bool:
    """Whether any call of a multicall's array names a customer (``i_customer``), as a trusted host's calls do."""
    calls = params[0] if len(params) == 1 and isinstance(params[0], list) else []
    return any(isinstance(call, dict) and isinstance(call.get("params"), list)
               and any(isinstance(p, dict) and "i_customer" in p for p in call["params"]) for call in calls)


class System:
    """The ``system.`` methods of a switch whose Sippy methods are ``methods``.

    ``knobs`` is read on every call. A call of a trusted host has no
    customer of its own (None): each call inside its multicall names one
    with ``i_customer``, checked with ``customer_exists``.
    """

    def __init__(self, methods: Methods, knobs: Callable[[], Knobs], customer_exists: Callable[[int], bool]) -> None:
        self._methods = methods
        self._knobs = knobs
        self._customer_exists = customer_exists

    def offers(self, name: str) -> bool:
        return name == MULTICALL or (name == LIST_METHODS and self._knobs().introspection)

    def names(self) -> list[str]:
        """Every method the switch answers, as ``system.listMethods`` lists them."""
        system = [name for name in (LIST_METHODS, MULTICALL) if self.offers(name)]
        return sorted(self._methods.table) + system

    def call(self, name: str, i_customer: int | None, params: tuple[Any, ...]) -> Any:
        """Answer a ``system.`` call, or the call of a trusted host that named no customer (only a method the
        switch lacks needs none)."""
        if name == MULTICALL:
            return self._multicall(i_customer, params)
        if self.offers(name):
            if params and (len(params) != 1 or not isinstance(params[0], dict)):
                raise bad_params(f"{LIST_METHODS} takes nothing, or one struct")
            return self.names()
        raise UnknownMethod()

    def _multicall(self, i_customer: int | None, params: tuple[Any, ...]) -> list[Any]:
        if len(params) != 1 or not isinstance(params[0], list):
            raise bad_params(f"{MULTICALL} takes one array of calls")
        return [self._answer(i_customer, item) for item in params[0]]

    def _answer(self, i_customer: int | None, item: Any) -> Any:
        """One call of a multicall: its answer in a one-item array, or a fault struct."""
        try:
            return [self._run(i_customer, item)]
        except Fault as fault:
            return {"faultCode": fault.faultCode, "faultString": fault.faultString}
        except Exception as error:  # noqa: BLE001 - a bug in a method fails its call, not the others
            log_exception(error)
            return {"faultCode": INTERNAL_ERROR, "faultString": "Internal error"}

    def _run(self, i_customer: int | None, item: Any) -> Any:
        if not (isinstance(item, dict) and isinstance(item.get("methodName"), str)
                and isinstance(item.get("params"), list)):
            raise Fault(INVALID_REQUEST, "Each call must be a struct with methodName and params")
        name, params = item["methodName"], tuple(item["params"])
        if name == MULTICALL:
            raise Fault(INVALID_REQUEST, f"{MULTICALL} may not call {MULTICALL}")
        if name not in self._methods.table:
            return self.call(name, i_customer, params)
        members = one_struct(params)
        if i_customer is None:
            named = members.get("i_customer")
            if isinstance(named, bool) or not isinstance(named, int) or not self._customer_exists(named):
                raise Fault(UNAUTHORIZED, UNTRUSTED)
            i_customer = named
        answer = self._methods.call(name, i_customer, members)
        return {key: value.items() if isinstance(value, Streamed) else value for key, value in answer.items()}
