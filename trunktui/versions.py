"""The two generations of Sippy's trunks API, and what each calls a trunk.

A 2020 switch keeps a trunk's destinations, logins and limits on the trunk
itself (``model.TRUNKS_2020``). From 2022 a trunk is only a name, a
description and (from 2023) a routing policy; its destinations live in an
ordered list of trunk connections, each with its own login and limits, read
and changed with methods of their own. Both are declared here once, as the
2020 trunk is in ``model``: validation, the simulator's tables, the forms,
the tables and export all come from these declarations.

Members seen in one public client only are ``rare``: shown and offered only
when a switch returns them, and never sent unless the user changed them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from enum import Enum

from trunktui.model import FIRST_ID, TRUNKS_2020, Field, Kind, OnCreate, Schema

_S, _I, _D, _B = Kind.STRING, Kind.INTEGER, Kind.DOUBLE, Kind.BOOLEAN
_REQUIRED, _NEVER = OnCreate.REQUIRED, OnCreate.NEVER
_SIP_CODES = re.compile(r"[1-6][0-9]{2}(?:\s*,\s*[1-6][0-9]{2})*")

POLICIES = ("Ordered", "Round-Robin")
"""The routing policies Sippy's documentation names, offered when a switch does not list its own."""


def _sip_codes_problem(text: str) -> str | None:
    if _SIP_CODES.fullmatch(text.strip()):
        return None
    return "must be SIP status codes (100 to 699) separated by commas, such as 503,486"


_SAME = TRUNKS_2020.by_name
"""Members a 2022+ trunk or connection shares with the 2020 trunk, declared there once."""

TRUNK_2022_FIELDS: tuple[Field, ...] = (
    _SAME["i_trunk"], _SAME["i_account"], _SAME["name"], _SAME["description"],
    Field("policy", _S, "Policy",
          "How calls use the connections: Ordered tries them top to bottom, Round-Robin rotates them for "
          "every call.", in_table=True, max_length=64),
)

CONNECTION_FIELDS: tuple[Field, ...] = (
    Field("i_trunk_connection", _I, "ID", "Assigned by the switch when the connection is created.",
          on_create=_NEVER, updatable=False, in_table=True, minimum=FIRST_ID),
    Field("i_trunk", _I, "Trunk", "The trunk the connection belongs to.",
          on_create=_REQUIRED, updatable=False, minimum=FIRST_ID),
    Field("order_no", _I, "Order", "Place in the trunk's list, from 1 at the top.",
          in_table=True, minimum=FIRST_ID, words=("first", "last", "up", "down"), create_words=("first", "last")),
    replace(_SAME["name"], help="Unique within the trunk."),
    _SAME["destination"], _SAME["capacity"], _SAME["max_cps"],
    replace(_SAME["outbound_ip"], nullable=True, in_table=False,
            help="Local address calls leave from; NULL for the default."),
    _SAME["username"], _SAME["password"],
    replace(_SAME["translation_rule"], name="outbound_cld"),
    _SAME["from_domain"], _SAME["random_call_id"],
    Field("blocked", _B, "Blocked", "Skip this connection when routing calls.", rare=True),
    Field("huntstop_scodes", _S, "Hunt-stop codes",
          "SIP codes that stop the hunt down the list, such as 486,603.", max_length=255,
          check=_sip_codes_problem, rare=True),
    Field("i_proto_transport", _I, "Transport", "The switch's number for the SIP transport.", rare=True),
    Field("i_privacy_mode", _I, "Privacy mode", "The switch's number for the privacy mode.", rare=True),
    Field("trusted_privacy_domain", _S, "Trusted privacy domain", "Domain trusted with private identities.",
          max_length=255, rare=True),
    Field("use_priv_id_as_cli", _B, "Private ID as CLI", "Use the private identity as the caller's number.",
          rare=True),
    Field("use_asserted_id", _B, "Send asserted ID", "Send P-Asserted-Identity.", rare=True),
    Field("asserted_id_translation", _S, "Asserted ID translation", "Rule applied to the asserted identity.",
          max_length=1024, rare=True),
    Field("enable_diversion", _B, "Diversion", "Send the Diversion header.", rare=True),
)

TRUNKS_2022 = Schema("trunk", "i_trunk", TRUNK_2022_FIELDS)
CONNECTIONS = Schema("connection", "i_trunk_connection", CONNECTION_FIELDS)

CONNECTION_METHODS = ("createTrunkConnection", "updateTrunkConnection", "deleteTrunkConnection",
                      "getTrunkConnectionInfo", "getTrunkConnectionsList")


class Api(Enum):
    """The trunks API a switch speaks."""

    V2020 = "2020"
    V2022 = "2022"

    @property
    def trunks(self) -> Schema:
        return TRUNKS_2020 if self is Api.V2020 else TRUNKS_2022

    @property
    def has_connections(self) -> bool:
        return self is Api.V2022

    @property
    def title(self) -> str:
        """How the header names it."""
        return f"API {self.value}"


API_CHOICES = ("auto", Api.V2020.value, Api.V2022.value)
"""What a profile's ``api`` and ``--api`` accept: ``auto`` works it out from the switch's answers."""
