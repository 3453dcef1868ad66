"""Running API calls off the UI thread and posting their answers back.

Every call goes through ``call_in_worker``: the call runs in a thread
worker, and the only thing the thread does with the UI is post one
``Answer`` message to the node that asked. Workers are exclusive per
purpose, so a newer request (a new pattern, say) cancels the one in flight
and its late answer is dropped. Any exception becomes a ``TrunkTuiError``,
so no failure reaches the screen as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from trunktui.errors import ApiError, TrunkTuiError


class Answer(Message):
    """The outcome of one call: a value, or the error that stopped it."""

    def __init__(self, purpose: str, value: Any = None, error: TrunkTuiError | None = None) -> None:
        super().__init__()
        self.purpose = purpose
        self.value = value
        self.error = error


def call_in_worker(node: DOMNode, purpose: str, work: Callable[[], Any]) -> Worker[None]:
    """Run ``work`` in a thread; post ``Answer(purpose, ...)`` to ``node``."""

    def run() -> None:
        worker = get_current_worker()
        try:
            answer = Answer(purpose, value=work())
        except TrunkTuiError as exc:
            answer = Answer(purpose, error=exc)
        except Exception as exc:  # noqa: BLE001 - shown to the operator, never raised into the UI
            answer = Answer(purpose, error=ApiError(f"Unexpected {type(exc).__name__}: {exc}"))
        if not worker.is_cancelled:
            node.post_message(answer)

    return node.run_worker(run, name=purpose, group=purpose, exclusive=True, thread=True, exit_on_error=False)


def in_flight(node: DOMNode) -> list[Worker[None]]:
    """The calls ``node`` started that have not answered yet."""
    return [w for w in node.app.workers if w.node is node and w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
