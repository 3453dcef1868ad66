"""Option values the commands share: each refusal says what is wrong with the text typed."""

from __future__ import annotations

import argparse

from trunktui.model import INT32_MAX, whole_number


def refused(problem: ValueError | str, text: str) -> argparse.ArgumentTypeError:
    """argparse's refusal of ``text``, in the words every option uses."""
    return argparse.ArgumentTypeError(f"{problem}, not {text!r}")


def whole(text: str, lowest: int, highest: int = INT32_MAX) -> int:
    """A whole number written as every number typed is (``model.whole_number``)."""
    try:
        return whole_number(text, lowest, highest)
    except ValueError as problem:
        raise refused(problem, text) from None
