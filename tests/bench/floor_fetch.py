"""Floor B: a fresh process that fetches and decodes one account's trunk list, and nothing else.

``bench_speed.py`` runs this once with the standard library's XML-RPC
client and once with httpx and ``xmlrpc.client.loads``, and takes the
faster. Only what the chosen way needs is imported. It prints one JSON
line: the wall-clock moment the list was decoded (the parent subtracts the
moment it started this process), how many trunks came and the peak RSS.

    python tests/bench/floor_fetch.py stdlib|httpx URL I_CUSTOMER I_ACCOUNT
"""

import json
import sys
import time
import xmlrpc.client
from pathlib import Path
from typing import Any


def with_stdlib(url: str, params: dict[str, int]) -> Any:
    return xmlrpc.client.ServerProxy(url).getTrunksList(params)


def with_httpx(url: str, params: dict[str, int]) -> Any:
    import httpx

    body = xmlrpc.client.dumps((params,), "getTrunksList").encode()
    with httpx.Client(timeout=600) as client:
        response = client.post(url, content=body, headers={"Content-Type": "text/xml"})
        response.raise_for_status()
        return xmlrpc.client.loads(response.content)[0][0]


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    way, url, i_customer, i_account = sys.argv[1:5]
    fetch = {"stdlib": with_stdlib, "httpx": with_httpx}[way]
    answer = fetch(url, {"i_customer": int(i_customer), "i_account": int(i_account)})
    done = time.time()
    print(json.dumps({"done": done, "count": len(answer["trunks"]), "rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()
