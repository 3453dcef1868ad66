"""Running the app on a real terminal, where Textual's driver needs one adaptation.

Textual's Linux driver reads the terminal in a thread of its own and decodes
what it reads as strict UTF-8. A byte that is not UTF-8 (a terminal set to
Latin-1, line noise on a serial console, binary pasted in) raises there and
ends that thread; Textual then closes the app with the traceback but sets no
return code, which alone would leave the shell a clean exit status.

``run`` makes the decoder replace each such byte with U+FFFD, as terminal
emulators do with bytes they cannot decode: the app's text boxes show it as
any other character, and key bindings ignore it. The driver looks the
decoder up by the name ``getincrementaldecoder`` in its module each time
its input thread starts, and that one name is rebound; nothing else of
Textual changes. An app that ends with no return code all the same (its
input thread died some other way) ends trunktui with status 1.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Callable
from encodings import utf_8

from textual.app import App

FAILED = 1


class ReplacingUtf8Decoder(utf_8.IncrementalDecoder):
    """UTF-8 that decodes every byte sequence: each invalid byte becomes U+FFFD."""

    def __init__(self, errors: str = "replace") -> None:
        super().__init__(errors)


def replacing_decoder(encoding: str) -> Callable[[], codecs.IncrementalDecoder]:
    """``codecs.getincrementaldecoder``, but forgiving for UTF-8 (the only encoding the driver asks for)."""
    if codecs.lookup(encoding).name == "utf-8":
        return ReplacingUtf8Decoder
    return codecs.getincrementaldecoder(encoding)


def forgive_undecodable_input() -> None:
    """Make the terminal driver's input thread replace bytes that are not UTF-8 instead of dying on them."""
    if sys.platform == "win32":
        return  # Windows consoles deliver characters, not bytes: there is nothing to decode
    from textual.drivers import linux_driver

    linux_driver.getincrementaldecoder = replacing_decoder  # type: ignore[attr-defined, assignment]


def run(app: App[None]) -> int:
    """Run ``app`` on this process's terminal; return the exit status it leaves."""
    forgive_undecodable_input()
    app.run()
    return FAILED if app.return_code is None else app.return_code
