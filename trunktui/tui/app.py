"""The dashboard application: connection, screen flow and global keys.

The app owns the API client and hands it down to screens as an attribute;
screens report back with messages. Flow: (password prompt) -> account
picker -> trunk table -> trunk screen, with modals for confirmations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from trunktui.api import ConnectionSettings, SippyClient
from trunktui.config import Config
from trunktui.recent import RecentAccounts
from trunktui.session import Session

__all__ = ["Session", "TrunkApp"]


class TrunkApp(App[None]):
    """trunktui's Textual application."""

    TITLE = "trunktui"
    CSS = """
    .toolbar { height: auto; padding: 0 1; }
    .toolbar Input { width: 1fr; }
    .hint { color: $text-muted; padding: 0 1; height: auto; }
    DataTable { height: 1fr; }
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
        self.title = "trunktui · DEMO" if session.demo else "trunktui"
        self.sub_title = session.who

    def on_mount(self) -> None:
        from trunktui.tui.screens.password import PasswordScreen

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
        self.client = SippyClient(settings)
        if old is not None:
            old.close()

    def _open(self, settings: ConnectionSettings) -> None:
        from trunktui.tui.screens.accounts import AccountsScreen

        self._connect(settings)
        self.push_screen(AccountsScreen())
        if self.session.hint:
            self.notify(self.session.hint, title="Demo mode", timeout=12, markup=False)

    async def action_quit(self) -> None:
        """Quit, but ask first if a trunk form holds unsaved changes."""
        from trunktui.tui.screens.confirm import ConfirmScreen, discard_dialog
        from trunktui.tui.screens.trunk import TrunkScreen

        unsaved = [label for screen in self.screen_stack if isinstance(screen, TrunkScreen) for label in screen.dirty()]
        if not unsaved:
            self.exit()
        elif not isinstance(self.screen, ConfirmScreen):
            self.push_screen(discard_dialog(unsaved), lambda yes: self.exit() if yes else None)

    def action_help(self) -> None:
        from trunktui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys, patterns and how NULL is shown", self.action_help)
        commands = getattr(screen, "commands", None)
        if commands is not None:
            yield from commands()
