"""The floor of ``bench_cli.py``: a plain ``xmlrpc.client`` script listing one account's trunks as JSON.

What a NOC engineer would write without trunktui: fetch the list (on a
2022+ switch, each trunk's connections too, a ``system.multicall`` of 100
trunks at a time) and print it with ``json.dump``. It checks nothing and
masks nothing.

    python tests/bench/floor_json.py URL I_CUSTOMER I_ACCOUNT 2020|2022
"""

import json
import sys
import xmlrpc.client

BATCH = 100


def main() -> None:
    url, i_customer, i_account, api = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    proxy = xmlrpc.client.ServerProxy(url, allow_none=True)
    trunks = proxy.getTrunksList({"i_customer": i_customer, "i_account": i_account})["trunks"]
    if api == "2022":
        for start in range(0, len(trunks), BATCH):
            batch = trunks[start:start + BATCH]
            calls = [{"methodName": "getTrunkConnectionsList",
                      "params": [{"i_customer": i_customer, "i_trunk": trunk["i_trunk"]}]} for trunk in batch]
            for trunk, answer in zip(batch, proxy.system.multicall(calls), strict=True):
                trunk["connections"] = answer[0]["trunk_connections"]
    json.dump(trunks, sys.stdout)


if __name__ == "__main__":
    main()
