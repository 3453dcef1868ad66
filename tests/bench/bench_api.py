"""Per-call overhead: trunktui's client beside a bare httpx POST of the same request.

``bench_speed.py`` runs this in a fresh process against its simulator; it
works against any switch in trusted mode too (pytest does not collect it):

    python tests/bench/bench_api.py URL I_CUSTOMER I_ACCOUNT [--calls 200]

Both send ``getAccountInfo`` for the same account, alternately (so a
change of load hits both alike), through one transport and so over the
same kept-alive connection: ``SippyClient.get_account`` (encoding, the
call, decoding, the model) and ``httpx.Client.post`` of the same bytes,
its answer read but not decoded. It prints one JSON line: each one's
median in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import xmlrpc.client

import httpx

from trunktui.api import ConnectionSettings, SippyClient


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("i_customer", type=int)
    parser.add_argument("i_account", type=int)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()

    settings = ConnectionSettings(args.url, trusted=True, i_customer=args.i_customer)
    params = {"i_account": args.i_account, "i_customer": args.i_customer}
    body = xmlrpc.client.dumps((params,), "getAccountInfo", allow_none=True).encode()
    headers = {"Content-Type": "text/xml"}
    ours: list[float] = []
    bare: list[float] = []
    shared = httpx.HTTPTransport()
    with SippyClient(settings, transport=shared) as client, httpx.Client(transport=shared) as plain:
        client.get_account(i_account=args.i_account)
        plain.post(args.url, content=body, headers=headers).raise_for_status()
        for _ in range(args.calls):
            started = time.perf_counter()
            client.get_account(i_account=args.i_account)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            plain.post(args.url, content=body, headers=headers).raise_for_status()
            bare.append(time.perf_counter() - started)
    print(json.dumps({"trunktui_ms": statistics.median(ours) * 1000, "httpx_ms": statistics.median(bare) * 1000}))


if __name__ == "__main__":
    main()
