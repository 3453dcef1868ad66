"""Running API calls off the UI thread and bringing their outcomes back as typed messages.

Every call goes through ``run_call``: the call runs in a thread, off the
event loop, and its outcome comes back to the node that asked (a
``Caller``) as the outcome's own message (``TrunksLoaded``, ``TrunkSaved``,
``CallFailed``, …), posted only when that node is ready for answers: a
screen holds what arrives while another screen covers it and handles it
when it is shown again, so a late answer never acts on the wrong screen.
Workers are exclusive per purpose: a newer request cancels the one in
flight, and a cancelled call's outcome is dropped, even one that was
being held. Any exception becomes a ``TrunkTuiError``, so no failure
reaches the screen as a traceback.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from trunktui.errors import ApiError, TrunkTuiError

Value = TypeVar("Value")


class Outcome(Message, bubble=False):
    """What one call came to; each kind of outcome is a subclass with typed fields.

    It goes only to the node that made the call. ``started`` is when the call
    was made (``time.monotonic``), so an answer can be told from a later one.
    """

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose
        self.started = 0.0

    def __init_subclass__(cls, **options: Any) -> None:
        """Textual makes a subclass bubble unless told otherwise; no outcome does."""
        options.setdefault("bubble", False)
        super().__init_subclass__(**options)


class CallFailed(Outcome):
    """The call raised ``error`` (already mapped into the error tree)."""

    def __init__(self, purpose: str, error: TrunkTuiError) -> None:
        super().__init__(purpose)
        self.error = error


class Caller(DOMNode):
    """A node that starts calls and receives their outcomes as messages.

    ``ready_for_answers`` says whether an outcome may act now; one that may
    not is held until ``release_answers``. Screens hold answers while they
    are not the active screen. (Textual runs a handler of every class in the
    MRO, so subclasses add ``@on`` handlers of their own for outcomes.)
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_outcomes: list[tuple[Worker[None], Outcome]] = []

    def ready_for_answers(self) -> bool:
        return True

    def receive(self, worker: Worker[None], outcome: Outcome) -> None:
        """Hand ``outcome`` to its handlers now, or hold it until this node is ready; drop it if cancelled."""
        if worker.is_cancelled:
            return
        if self.ready_for_answers():
            self.post_message(outcome)
        else:
            self._held_outcomes.append((worker, outcome))

    def release_answers(self) -> None:
        """Hand on what arrived while this node was not ready, in the order it came."""
        held, self._held_outcomes = self._held_outcomes, []
        for worker, outcome in held:
            self.receive(worker, outcome)

    def run_call(self, purpose: str, work: Callable[[], Value], done: Callable[[Value], Outcome]) -> Worker[None]:
        """Run ``work`` in a thread; its value becomes ``done(value)``, its error a ``CallFailed``.

        The worker itself waits on the event loop while ``asyncio.to_thread``
        runs ``work`` in a copy of the context, so no pool thread keeps a
        finished worker (and through it this node) alive after the node has gone.
        """

        async def run() -> None:
            started = time.monotonic()
            outcome: Outcome
            try:
                outcome = done(await asyncio.to_thread(work))
            except TrunkTuiError as exc:
                outcome = CallFailed(purpose, exc)
            except Exception as exc:  # noqa: BLE001 - shown to the operator, never raised into the UI
                outcome = CallFailed(purpose, ApiError(f"Unexpected {type(exc).__name__}: {exc}"))
            outcome.started = started
            self.receive(get_current_worker(), outcome)

        return self.run_worker(run, name=purpose, group=purpose, exclusive=True, exit_on_error=False)

    def calls_in_flight(self, *purposes: str) -> list[Worker[None]]:
        """The calls this node started that have not finished (of ``purposes``, if given)."""
        return [
            worker for worker in self.app.workers
            if worker.node is self and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            and (not purposes or worker.group in purposes)
        ]

    def stop_calls(self) -> set[str]:
        """Cancel the calls in flight; return their purposes (empty if none)."""
        waiting = self.calls_in_flight()
        for worker in waiting:
            worker.cancel()
        return {worker.group for worker in waiting}
