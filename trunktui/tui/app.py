"""The dashboard application: the session, its screens, and the keys that work everywhere.

The app makes the session's ``Context`` (client, session, remembered
accounts) and hands it to the first screen, which hands it on. It knows its
screens only through ``AppScreen``'s hooks and the messages they post:
``PasswordRefused`` brings back the password prompt over the screen that
met it, and a profile switch replaces the context and every screen.
Flow: (password prompt) -> account picker -> trunk table -> trunk screen,
with dialogs for confirmations.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import replace
from functools import partial
from pathlib import Path

import rich
from rich.console import RenderableType
from rich.text import Text
from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from trunktui.api import SippyClient
from trunktui.errors import TrunkTuiError
from trunktui.profiles.config import Config
from trunktui.profiles.credentials import profile_password
from trunktui.profiles.session import Session, check_trust, session_for
from trunktui.text import printable
from trunktui.tui.base import AppScreen, Context, PasswordRefused, palette_commands
from trunktui.tui.calls import Caller, CallFailed, Outcome
from trunktui.tui.recent import RecentAccounts
from trunktui.tui.title import fit_title

__all__ = ["Session", "TrunkApp"]

HEADER_SIDES = 18
"""Cells of the header that are not its text: Textual's icon (8) and clock space (10)."""


class ProfileReady(Outcome):
    """A profile's session, its password obtained: ready to switch to."""

    def __init__(self, session: Session) -> None:
        super().__init__("profile")
        self.session = session


class AuditTrouble(Message):
    """The audit trail could not record a change; posted from the worker that made the change."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


class ApiFound(Message):
    """The trunks API of ``context``'s switch is now known."""

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context


class TrunkApp(Caller, App[None]):
    """trunktui's Textual application."""

    TITLE = "trunktui"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS = [
        Binding("f1", "help", "Help", key_display="F1",
                tooltip="Help: every key, name patterns and how NULL is shown"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit at once (asks only about unsaved edits)", show=False, priority=True),
    ]

    def __init__(self, session: Session, config: Config | None = None) -> None:
        super().__init__()
        self.session = session
        self.config = config
        self.context: Context | None = None
        self.password_given_at = 0.0
        self.switched = False
        """Whether a profile switch replaced the connection trunktui started with."""
        self.leaving = False
        self._present()

    def _present(self) -> None:
        """Title and colours that say where this session is and what it may do.

        The header is fit to the terminal's width (``format_title``): a
        profile's label, which names the switch in place of "trunktui", is
        cut there only when the header lacks room for it.
        """
        session = self.session
        self.warnings = [warning for warning, applies in (
            ("PRODUCTION", session.production),
            ("READ-ONLY", session.read_only),
            ("TLS NOT VERIFIED", session.insecure),
            ("PLAIN HTTP", session.plain_http),
        ) if applies]
        if session.demo:
            self.switch_name = "trunktui · DEMO"
        elif session.label:
            self.switch_name = printable(session.label)
        else:
            self.switch_name = "trunktui"
        self.title = " · ".join([*self.warnings, self.switch_name])
        self.sub_title = ""
        self.set_class(session.production, "-production")
        self.set_class(session.insecure or session.plain_http, "-insecure")

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header: warnings, switch, login and host, then the place the screen shows (its sub-title).

        Screens name only their place (``account 1 acme-wholesale``); the
        rest is the session's. All of it is fit to the terminal's width so
        that the warnings and the place stay whole: the login and the
        switch's name give way first (see ``trunktui.tui.title``).
        """
        width = self.size.width - HEADER_SIDES
        finding = None if self.context is None else self.context.client.finding
        api = "" if finding is None else finding.api.title
        return super().format_title(*fit_title(self.warnings, self.switch_name, self.session.who, sub_title, width,
                                               api))

    def fit_headers(self) -> None:
        """Fit every screen's header to the terminal's width: Textual's header redraws its text only when it changes."""
        for screen in self.screen_stack:
            for header in screen.query(Header):
                header.query_one("HeaderTitle", Static).update(header.format_title())

    def _fatal_error(self) -> None:
        """A crash shows what failed and where, never the values of local variables.

        Textual's own report lists every frame's locals, and a frame that
        handled a login holds its password. This is the one hook Textual
        offers for the report, so it is overridden here and nowhere else.
        Its code is imported only when needed: a crash is no part of starting.
        """
        from rich.traceback import Traceback

        self.bell()
        self.panic(Traceback(show_locals=False, width=None, suppress=[rich]))

    def on_mount(self) -> None:
        """Start; what exists at this point (imports, the app) lives as long as the app.

        It is frozen, so the collector's full passes while the app runs (a
        filter over thousands of rows makes them) skip it; the app unfreezes
        it when it ends. No screen of the session is frozen: none exists yet.
        """
        gc.freeze()
        self._start(self.session)

    def on_unmount(self) -> None:
        if self.context is not None:
            self.context.client.close()
        gc.unfreeze()

    def _start(self, session: Session) -> None:
        """Open ``session``, asking for its password first if it has none."""

        def given(password: str | None) -> None:
            if password:
                self._open(replace(session, settings=replace(session.settings, password=password)))
            elif self.context is None:
                self.exit()

        if session.ask_password:
            from trunktui.tui.screens.password import PasswordScreen

            self.push_screen(PasswordScreen(session.who, environment=self.context is None), given)
        else:
            self._open(session)

    def _open(self, session: Session) -> None:
        """Replace whatever is open with ``session``'s account picker."""
        from trunktui.tui.screens.accounts import AccountsScreen

        try:
            client = SippyClient(session.settings, audit=session.audit(self.audit_failed))
        except TrunkTuiError as error:
            self.connection_refused(error)
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if self.context is not None:
            self.context.client.close()
            self.switched = True
        self.session = session
        self.context = Context(client, session, RecentAccounts(session.who))
        self._present()
        self.push_screen(AccountsScreen(self.context, open_first=session.account))
        self.find_api(self.context)
        if session.hint:
            self.notify(session.hint, title="Demo mode", timeout=12, markup=False)

    def find_api(self, context: Context) -> None:
        """Work out which trunks API the switch speaks, in the background, for the header to say.

        A failure says nothing here: the screens' own calls meet the same
        trouble and say it where the user is looking, and the API is worked
        out again when a screen needs it.
        """

        def find() -> None:
            with suppress(TrunkTuiError):
                context.client.api()
                self.post_message(ApiFound(context))

        self.run_worker(find, thread=True, group="api", exit_on_error=False)

    @on(ApiFound)
    def api_found(self, found: ApiFound) -> None:
        if found.context is self.context:
            self.fit_headers()

    def connection_refused(self, error: TrunkTuiError) -> None:
        """Settings that passed their check at start or switch but fail now (a CA bundle removed since):
        the session in use stays, or, with none yet, trunktui ends with the reason."""
        if self.context is None:
            self.exit(return_code=2, message=Text(f"trunktui: error: {printable(error)}"))
        else:
            self.notify(printable(error), title="Cannot switch profile", severity="error", markup=False)

    def audit_failed(self, problem: str) -> None:
        """Called in the worker thread that made the change; the message carries it to the UI."""
        self.post_message(AuditTrouble(problem))

    @on(AuditTrouble)
    def audit_trouble(self, trouble: AuditTrouble) -> None:
        """Said on its own, beside whatever the change's own outcome was, and kept on screen until read."""
        self.notify(printable(trouble.problem), title="Audit trail", severity="error", timeout=30, markup=False)

    @on(PasswordRefused)
    def password_refused(self, message: PasswordRefused) -> None:
        """Ask for the password again over the screen that was refused, then let it fetch again.

        A refusal of a call made before the password was last given (one held
        while another screen was on top, say) is stale: the screen fetches
        again with the new password instead of asking once more.
        """
        from trunktui.tui.screens.password import PasswordScreen

        context = self.context
        if context is None or self.session.settings.trusted or isinstance(self.screen, PasswordScreen):
            return
        refused = self.screen
        if message.asked < self.password_given_at:
            if isinstance(refused, AppScreen):
                refused.reload()
            return

        def given(password: str | None) -> None:
            if password and self.context is context:
                self.password_given_at = time.monotonic()
                self.session = replace(self.session, settings=replace(self.session.settings, password=password))
                context.client.reconnect(self.session.settings)
                if isinstance(refused, AppScreen):
                    refused.reload()

        self.push_screen(PasswordScreen(self.session.who, message.reason, environment=not self.switched), given)

    def unsaved(self) -> list[str]:
        """Labels of the fields with unsaved edits on any open screen."""
        return [label for screen in self.screen_stack if isinstance(screen, AppScreen) for label in screen.unsaved()]

    def after_asking(self, proceed: Callable[[], object]) -> None:
        """Run ``proceed`` now, or after the user agrees to drop unsaved edits."""
        from trunktui.tui.screens.confirm import ConfirmScreen, discard_dialog

        def answered(discard: bool | None) -> None:
            if discard:
                proceed()

        unsaved = self.unsaved()
        if not unsaved:
            proceed()
        elif not isinstance(self.screen, ConfirmScreen):
            self.push_screen(discard_dialog(unsaved), answered)

    async def action_quit(self) -> None:
        """Quit, but ask first if a trunk form holds unsaved changes."""
        self.after_asking(self.exit)

    def action_ask_quit(self) -> None:
        """``q`` on a list: a stray key must not end the session, so it asks, and Stay is the default."""
        from trunktui.tui.screens.confirm import ConfirmScreen, quit_dialog

        def answered(leave: bool | None) -> None:
            if leave:
                self.after_asking(self.exit)

        if not isinstance(self.screen, ConfirmScreen):
            self.push_screen(quit_dialog(), answered)

    def exit(self, result: None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        """Exit; the input still queued is dropped from now on (see ``on_event``)."""
        self.leaving = True
        super().exit(result, return_code, message)

    async def on_event(self, event: events.Event) -> None:
        """Once the app is leaving, keys and clicks still queued behind the quit are dropped.

        Keys arrive in bursts (``q`` then ``s`` in one read): handled after
        the quit, a key would open a screen while the app closes, and a
        screen opened then never gets its widgets.

        A resize of the terminal fits the headers to it (``fit_headers``):
        Textual's own handler has taken the new size by then, and stops
        the event, so no ``on_resize`` would see it.
        """
        if self.leaving and isinstance(event, events.InputEvent):
            return
        await super().on_event(event)
        if isinstance(event, events.Resize):
            self.fit_headers()

    def action_command_palette(self) -> None:
        """Textual's palette, made safe against keys that arrive in one burst (see ``Palette``).

        One palette at most: Ctrl+Q over an open palette asks about unsaved
        changes in a dialog on top of it, and a second palette there (Textual
        looks only at the top screen) would repeat the first one's id and crash.
        """
        from trunktui.tui.palette import Palette

        if self.use_command_palette and not any(isinstance(screen, CommandPalette) for screen in self.screen_stack):
            self.push_screen(Palette(id="--command-palette"))

    def switch_profile(self, name: str) -> None:
        """Connect with another profile; its CA bundle is checked and its password_command runs off the UI thread.

        The profile's own password is used (or asked for), never
        ``TRUNKTUI_PASSWORD``: that was given for the connection trunktui
        started with, and the profile may be another switch.
        """
        assert self.config is not None
        profile = self.config.profile(name)
        self.notify(f"Connecting with profile {printable(profile.title)}…", markup=False)
        overrides = self.session.overrides

        def ready() -> Session:
            check_trust(profile, overrides)
            return session_for(profile, profile_password(profile), overrides)

        self.run_call("profile", ready, ProfileReady)

    @on(ProfileReady)
    def profile_ready(self, message: ProfileReady) -> None:
        self.after_asking(lambda: self._start(message.session))

    @on(CallFailed)
    def profile_failed(self, message: CallFailed) -> None:
        self.notify(printable(message.error), title="Cannot switch profile", severity="error", markup=False)

    def action_help(self) -> None:
        from trunktui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_audit(self) -> None:
        from trunktui.tui.screens.audit import AuditScreen

        if not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen())

    def action_search(self) -> None:
        """Open the search over the screen in use, unless it is one."""
        from trunktui.tui.screens.search import SearchScreen

        screen = self.screen
        if self.context is not None and isinstance(screen, AppScreen) and not isinstance(screen, SearchScreen):
            screen.open(SearchScreen(self.context))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from palette_commands(self)
        yield SystemCommand("Audit trail", "Recent creates, edits and deletes, with failures", self.action_audit)
        if self.context is not None:
            yield SystemCommand("Search every account…", "Find trunks by name, destination, description, "
                                "outbound IP or username", self.action_search)
        if self.config is not None:
            for name, profile in sorted(self.config.profiles.items()):
                marks = " · ".join(m for m in ("production" if profile.production else "",
                                               "read-only" if profile.read_only else "") if m)
                # The palette reads titles and help as markup; a label is the user's words.
                yield SystemCommand(
                    escape(f"Profile: {printable(profile.title)}"),
                    escape(f"Connect to {printable(profile.url)}" + (f" ({marks})" if marks else "")),
                    partial(self.switch_profile, name),
                )
        if isinstance(screen, AppScreen):
            yield from screen.commands()
