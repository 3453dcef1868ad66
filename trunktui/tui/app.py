"""The dashboard application: connection, screen flow and global keys.

The app owns the API client and hands it down to screens as an attribute;
screens report back with messages. Flow: (password prompt) -> account
picker -> trunk table -> trunk screen, with modals for confirmations.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from trunktui.api import ConnectionSettings, SippyClient
from trunktui.audit import AuditLog, audit_path
from trunktui.profiles.config import Config
from trunktui.profiles.credentials import resolve_password
from trunktui.profiles.session import Session, session_for
from trunktui.text import printable
from trunktui.tui.calls import Answer, call_in_worker, in_flight
from trunktui.tui.recent import RecentAccounts

__all__ = ["Session", "TrunkApp"]


class TrunkApp(App[None]):
    """trunktui's Textual application."""

    TITLE = "trunktui"
    CSS = """
    .toolbar { height: auto; padding: 0 1; }
    .toolbar Input { width: 1fr; }
    .hint { color: $text-muted; padding: 0 1; height: auto; }
    DataTable { height: 1fr; }
    .-production Header { background: $error-darken-2; color: $text; text-style: bold; }
    .-insecure Header { background: $warning-darken-3; }
    """
    BINDINGS = [
        Binding("f1", "help", "Help", key_display="F1"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, session: Session, config: Config | None = None) -> None:
        super().__init__()
        self.session = session
        self.config = config
        self.client: SippyClient | None = None
        self.recent = RecentAccounts(session.who)
        self._present()

    def _present(self) -> None:
        """Title and colours that say where this session is and what it may do."""
        session = self.session
        marks = ["trunktui"]
        if session.demo:
            marks.append("DEMO")
        elif session.label:
            marks.append(("PRODUCTION " if session.production else "") + printable(session.label, 40))
        elif session.production:
            marks.append("PRODUCTION")
        if session.read_only:
            marks.append("READ-ONLY")
        if session.insecure:
            marks.append("TLS NOT VERIFIED")
        self.title = " · ".join(marks)
        self.sub_title = session.who
        self.set_class(session.production, "-production")
        self.set_class(session.insecure, "-insecure")

    def on_mount(self) -> None:
        """Start; what start-up built lives as long as the app, so it is frozen.

        Frozen, it is left out of the full collection each trunk list load
        makes (see ``TrunkRows.fetch``), which then walks only what came later.
        Garbage is collected first, so none of it is frozen.
        """
        from trunktui.tui.screens.password import PasswordScreen

        gc.collect()
        gc.freeze()
        if self.session.ask_password:
            self.push_screen(PasswordScreen(self.session.who), self._password_given)
        else:
            self._open(self.session.settings)

    def on_unmount(self) -> None:
        if self.client is not None:
            self.client.close()

    def ask_password_again(self, reason: str) -> None:
        """The switch refused the password: ask again, keeping the current screen."""
        from trunktui.tui.screens.password import PasswordScreen

        if not self.session.settings.trusted and not isinstance(self.screen, PasswordScreen):
            self.push_screen(PasswordScreen(self.session.who, reason), self._password_changed)

    def _password_given(self, password: str | None) -> None:
        if password is None:
            self.exit()
            return
        self._open(replace(self.session.settings, password=password))

    def _password_changed(self, password: str | None) -> None:
        if password is None:
            return
        self._connect(replace(self.session.settings, password=password))
        refresh = getattr(self.screen, "action_refresh", None)
        if refresh is not None:
            refresh()

    def _connect(self, settings: ConnectionSettings) -> None:
        old = self.client
        self.session = replace(self.session, settings=settings)
        login = f"trusted:{settings.i_customer}" if settings.trusted else settings.username
        audit = AuditLog(profile=self.session.profile or "-", server=settings.host, login=login, path=audit_path())
        self.client = SippyClient(settings, audit=audit)
        if old is not None:
            old.close()

    def abandon(self, node: DOMNode) -> set[str]:
        """Give up the calls ``node`` is waiting for; return their purposes (empty if none).

        A blocked HTTP request cannot be interrupted from outside its thread,
        so the connection is replaced: its late answer goes nowhere, and the
        next call does not queue behind it.
        """
        waiting = in_flight(node)
        for worker in waiting:
            worker.cancel()
        if waiting:
            self._connect(self.session.settings)
        return {worker.group for worker in waiting}

    def _open(self, settings: ConnectionSettings) -> None:
        from trunktui.tui.screens.accounts import AccountsScreen

        self._connect(settings)
        self.push_screen(AccountsScreen(open_first=self.session.account))
        if self.session.hint:
            self.notify(self.session.hint, title="Demo mode", timeout=12, markup=False)

    def unsaved(self) -> list[str]:
        """Labels of fields with unsaved edits in any open trunk form."""
        from trunktui.tui.screens.trunk import TrunkScreen

        return [label for screen in self.screen_stack if isinstance(screen, TrunkScreen) for label in screen.dirty()]

    def after_asking(self, proceed: Callable[[], object]) -> None:
        """Run ``proceed`` now, or after the user agrees to drop unsaved edits."""
        from trunktui.tui.screens.confirm import ConfirmScreen, discard_dialog

        unsaved = self.unsaved()
        if not unsaved:
            proceed()
        elif not isinstance(self.screen, ConfirmScreen):
            self.push_screen(discard_dialog(unsaved), lambda yes: proceed() if yes else None)

    async def action_quit(self) -> None:
        """Quit, but ask first if a trunk form holds unsaved changes."""
        self.after_asking(self.exit)

    def switch_profile(self, name: str) -> None:
        """Connect with another profile; its password_command runs off the UI thread."""
        assert self.config is not None
        profile = self.config.profile(name)
        self.notify(f"Connecting with profile {printable(profile.title)}…", markup=False)
        call_in_worker(self, "profile", lambda: session_for(profile, resolve_password(profile)))

    @on(Answer)
    def profile_ready(self, answer: Answer) -> None:
        if answer.purpose != "profile":
            return
        if answer.error is not None:
            self.notify(printable(answer.error), title="Cannot switch profile", severity="error", markup=False)
            return
        self.after_asking(lambda: self._restart(answer.value))

    def _restart(self, session: Session) -> None:
        """Move to ``session``; the current one stays until its password is known."""
        from trunktui.tui.screens.password import PasswordScreen

        def given(password: str | None) -> None:
            if password:
                self._replace(replace(session, settings=replace(session.settings, password=password)))

        if session.ask_password:
            self.push_screen(PasswordScreen(session.who), given)
        else:
            self._replace(session)

    def _replace(self, session: Session) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.session = session
        self.recent = RecentAccounts(session.who)
        self._present()
        self._open(session.settings)

    def action_help(self) -> None:
        from trunktui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_audit(self) -> None:
        from trunktui.tui.screens.audit import AuditScreen

        if not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys, patterns and how NULL is shown", self.action_help)
        yield SystemCommand("Audit trail", "Recent creates, edits and deletes, with failures", self.action_audit)
        if self.config is not None:
            for name, profile in sorted(self.config.profiles.items()):
                marks = " · ".join(m for m in ("production" if profile.production else "",
                                               "read-only" if profile.read_only else "") if m)
                yield SystemCommand(
                    f"Profile: {printable(profile.title)}",
                    f"Connect to {printable(profile.url)}" + (f" ({marks})" if marks else ""),
                    partial(self.switch_profile, name),
                )
        commands = getattr(screen, "commands", None)
        if commands is not None:
            yield from commands()
