"""Which trunks API a switch speaks, worked out from reads alone.

Sippy documents no version call. The signals, cheapest first: the shape of
trunk rows already fetched (``from_rows``); ``system.listMethods``;
``getDictionary`` for ``trunk_policies`` (2023 and later); and, last, a read
of a trunk's connections, which a 2020 switch refuses as an unknown method
(with a fault, or an HTML page and HTTP 500). A write is never used to
probe: on the wrong switch it would change something.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from trunktui.errors import ApiError, FaultError, HttpError, ProtocolError
from trunktui.model import FIRST_ID
from trunktui.versions import TRUNKS_2022, Api

UNKNOWN_METHOD_TEXTS = ("we do not have a method with that name", "no such method", "method not found",
                        "unknown method", "is not supported")
"""How switches and XML-RPC servers word a call to a method they lack, case aside."""

ONLY_2020 = "destination"
"""A member every 2020 trunk has and no 2022+ trunk does: its destination moved to the connections."""


@dataclass(frozen=True)
class Finding:
    """The API a switch speaks, why trunktui thinks so, and whether it answers ``system.multicall``
    (None: not known).

    ``origin`` says how it was found: "chosen" (the settings name it),
    "rows" (trunk rows showed it) or "asked" (other reads suggested it). A
    finding that was only asked for gives way to trunk rows that say
    otherwise: a switch may list methods it lacks, or a passing fault may
    answer a read; rows are the switch's own trunks.
    """

    api: Api
    reason: str
    multicall: bool | None = None
    origin: Literal["chosen", "rows", "asked"] = "asked"


def from_rows(rows: Iterable[Mapping[str, Any]]) -> Api | None:
    """The API trunk rows were written in, when their shape tells: 2020 if one has a destination, 2022 if
    one holds a name and only members of a 2022+ trunk; None for no rows or rows that do not tell."""
    for row in rows:
        if ONLY_2020 in row:
            return Api.V2020
        if "name" in row and TRUNKS_2022.by_name.keys() >= row.keys():
            return Api.V2022
    return None


def lacks_method(error: ApiError) -> bool:
    """Whether a failed call says the switch has no such method (a fault's text, or an error page with HTTP 500)."""
    if isinstance(error, FaultError):
        text = str(error.string).casefold()
        return any(words in text for words in UNKNOWN_METHOD_TEXTS)
    return type(error) is HttpError and error.status == 500


def detect(call: Callable[[str, dict[str, Any]], dict[str, Any]], list_methods: Callable[[], Any]) -> Finding:
    """Ask the switch, with reads only, cheapest first; raise the error of the last read if it cannot tell.

    ``call`` makes one Sippy call; ``list_methods`` calls
    ``system.listMethods``. A switch that refuses the login or cannot be
    reached raises that error from the first read, so no later read
    mistakes it for a missing method.
    """
    multicall: bool | None = None
    try:
        methods = list_methods()
    except (FaultError, HttpError, ProtocolError):
        # It takes no struct, so in trusted mode it names no customer: a switch may turn it away (401) for
        # that alone. A login that is refused outright is refused again by the reads below.
        pass
    else:
        if isinstance(methods, list) and all(isinstance(name, str) for name in methods):
            multicall = "system.multicall" in methods
            if "createTrunkConnection" in methods:
                return Finding(Api.V2022, "system.listMethods lists createTrunkConnection", multicall)
            if "createTrunk" in methods:
                return Finding(Api.V2020, "system.listMethods lists createTrunk and no createTrunkConnection",
                               multicall)
    if read_policies(call):
        return Finding(Api.V2022, "getDictionary lists trunk_policies", multicall)
    try:
        call("getTrunkConnectionsList", {"i_trunk": FIRST_ID})
    except ApiError as error:
        if lacks_method(error):
            return Finding(Api.V2020, f"getTrunkConnectionsList is unknown ({error.message})", multicall)
        if isinstance(error, FaultError):
            return Finding(Api.V2022, "getTrunkConnectionsList exists (it answered a fault of its own)", multicall)
        raise
    return Finding(Api.V2022, "getTrunkConnectionsList answered", multicall)


def read_policies(call: Callable[[str, dict[str, Any]], dict[str, Any]]) -> tuple[str, ...]:
    """The routing policies ``getDictionary`` offers, or () when the switch does not say (a fault, an answer
    not understood, no such method); any other failure is raised."""
    try:
        answer = call("getDictionary", {"name": "trunk_policies"})
    except (FaultError, ProtocolError):
        return ()
    except HttpError as error:
        if lacks_method(error):
            return ()
        raise
    return dictionary_words(answer.get("dictionary"))


def dictionary_words(dictionary: Any) -> tuple[str, ...]:
    """The values a ``getDictionary`` answer offers: a list of strings, of structs (their ``value`` or
    ``name``), or a struct whose keys are the values. Anything else offers none."""
    if isinstance(dictionary, Mapping):
        items: list[Any] = list(dictionary)
    elif isinstance(dictionary, list):
        items = dictionary
    else:
        return ()
    words = []
    for item in items:
        if isinstance(item, Mapping):
            item = next((item[key] for key in ("value", "name") if isinstance(item.get(key), str)), None)
        if isinstance(item, str) and item.isprintable() and item:
            words.append(item)
    return tuple(dict.fromkeys(words))
