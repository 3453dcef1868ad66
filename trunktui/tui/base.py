"""The bases of the app's screens, and what each screen is handed when it is made.

Attributes go down, messages go up: a screen gets a ``Context`` (the client,
the session, the remembered accounts) from whoever creates it and passes it
on to the screens it opens; it never reaches up into the app. What the app
must know it learns from hooks with default behaviour (``unsaved``,
``reload``, ``commands``) and from messages (``PasswordRefused``).

Both bases hold a call's outcome while another screen covers them and
dismiss themselves only when they are the active screen, so an answer that
arrives late never acts on, or pops, a screen it was not meant for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from rich.console import RenderableType
from textual import events, on
from textual.app import SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.dom import DOMNode
from textual.message import Message
from textual.renderables.blank import Blank
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input

from trunktui.api import SippyClient
from trunktui.errors import AuthError
from trunktui.profiles.session import Session
from trunktui.tui.calls import Caller, CallFailed
from trunktui.tui.recent import RecentAccounts

if TYPE_CHECKING:
    from trunktui.tui.screens.search import LastSearch

ResultType = TypeVar("ResultType")
Shown = TypeVar("Shown")


@dataclass
class Kept:
    """What a screen leaves behind for the next one of its kind in the same session."""

    search: LastSearch | None = None
    """The search of every account last left, to show again when the search is opened."""


@dataclass(frozen=True)
class Context:
    """What every screen of one session works with; a profile switch makes a new one."""

    client: SippyClient
    session: Session
    recent: RecentAccounts
    kept: Kept = field(default_factory=Kept, compare=False)


class PasswordRefused(Message):
    """The switch refused the login (HTTP 401) for a call made at ``asked`` (``time.monotonic``)."""

    def __init__(self, reason: str, asked: float) -> None:
        super().__init__()
        self.reason = reason
        self.asked = asked


def palette_commands(node: DOMNode) -> Iterable[SystemCommand]:
    """A palette entry for each of the node's bindings that has a tooltip and is enabled now.

    The binding's tooltip is the entry's title (and the help screen's row),
    its description (the footer's word) and key the line under it, so a key,
    its footer text, help row and palette entry are one declaration.
    """
    seen: set[str] = set()
    for binding in type(node).BINDINGS:
        if not isinstance(binding, Binding) or not binding.tooltip or binding.action in seen:
            continue
        seen.add(binding.action)
        if node.check_action(binding.action, ()):
            key = node.app.get_key_display(binding)
            yield SystemCommand(binding.tooltip, f"{binding.description} · key {key}",
                                partial(node.app.run_action, binding.action, node))


class ScreenCaller(Caller, Screen[ResultType]):
    """A screen that makes calls: it acts on their outcomes, and dismisses itself, only while it is on top.

    What arrives while another screen covers it waits until it is shown again.
    """

    def ready_for_answers(self) -> bool:
        return self.is_active

    def on_screen_resume(self) -> None:
        self.release_answers()

    def dismiss(self, result: ResultType | None = None) -> AwaitComplete:
        if not self.is_active:
            return AwaitComplete()
        return super().dismiss(result)


class AppScreen(ScreenCaller[ResultType]):
    """A full screen of trunktui."""

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.been_shown = False

    @on(events.ScreenResume)
    def styled_already(self, resume: events.ScreenResume) -> None:
        """Shown for the first time: its widgets are not styled again.

        Textual styles each widget as it is mounted and, when the screen is
        first shown moments later, all of them once more. For a trunk's form
        that is a hundred widgets restyled for nothing while the user waits.
        Later returns to the screen restyle as usual.
        """
        if not self.been_shown:
            self.been_shown = True
            resume.refresh_styles = False

    def render(self) -> RenderableType:
        """The screen's own background, as the app draws it: never the screen beneath.

        Textual's CSS for screens does not reach trunktui's (their first base
        is ``Caller``), so their background is transparent, and Textual draws
        a screen whose background lets light through as a copy of the screen
        beneath: each repaint of a trunk's screen drew the table of thousands
        of trunks under it. A full screen's widgets cover it whole, so none of
        that was ever seen.
        """
        background = self.styles.background
        blank = Blank(self.app.styles.background if background.is_transparent else background)
        return blank  # type: ignore[return-value]  # Textual's Screen.render returns a Blank too

    @property
    def client(self) -> SippyClient:
        return self.context.client

    @property
    def session(self) -> Session:
        return self.context.session

    @on(CallFailed)
    def login_refused(self, failed: CallFailed) -> None:
        """Every refused login, whatever the call, brings the password prompt back.

        Textual runs this beside the screen's own ``CallFailed`` handler, which
        says what failed.
        """
        if isinstance(failed.error, AuthError):
            self.post_message(PasswordRefused(failed.error.message, failed.started))

    def open(self, screen: Screen[Shown], done: Callable[[Shown | None], None] | None = None) -> bool:
        """Push ``screen`` over this one, only while this one is on top; say whether it was pushed.

        Keys arrive in bursts: an Enter meant for this screen may be handled
        after the next key already covered it, and must not act on another.
        A screen with no sub-title of its own keeps saying where the user is:
        it is given this one's.
        """
        if not self.is_active:
            return False
        if isinstance(screen, AppScreen) and screen.sub_title is None:
            screen.sub_title = self.sub_title
        self.app.push_screen(screen, done)
        return True

    def stop_waiting(self) -> set[str]:
        """Give up the calls in flight; return their purposes (empty if none).

        A blocked HTTP request cannot be interrupted from outside its thread,
        so the connection is replaced: its late answer goes nowhere, and the
        next call does not queue behind it.
        """
        stopped = self.stop_calls()
        if stopped:
            self.client.reconnect()
        return stopped

    def retry_key(self) -> str:
        """The key that loads the screen's list again from where the focus is: in a box r types, and F5 works."""
        return "F5" if isinstance(self.focused, Input) else "r"

    def keys_of_a_burst(self, event: events.Key, focusers: dict[str, Callable[[], None]]) -> None:
        """A key and the text typed after it in one burst (a slow link delivers keys so) all land in a box.

        The keys were queued at the list before any was handled, so a key of
        ``focusers`` moves the focus at once (its action), not in the app's
        binding, which acts only after the keys behind it; and while a box has
        the focus, the printable keys behind it go to the box, not to the
        list's own keys.
        """
        focused = self.focused
        if isinstance(focused, Input):
            if event.is_printable:
                event.stop()
                event.prevent_default()
                focused.post_message(events.Key(event.key, event.character))
        elif event.key in focusers:
            event.stop()
            event.prevent_default()
            focusers[event.key]()

    def unsaved(self) -> list[str]:
        """Labels of the fields this screen would lose if it closed now."""
        return []

    def reload(self) -> None:
        """Fetch again what the screen shows (after a new password, say)."""

    def commands(self) -> Iterable[SystemCommand]:
        """The screen's entries in the command palette."""
        return palette_commands(self)


class Dialog(ScreenCaller[ResultType], ModalScreen[ResultType]):
    """A dialog over the screen that opened it; its look is shared (``app.tcss``).

    Each has a footer of its own, over the footer of the screen under it:
    that one's keys do not work in a dialog, and in a dialog's text box
    their letters type.
    """

    @on(events.Mount)
    def add_footer(self) -> None:
        self.mount(Footer(compact=True))
