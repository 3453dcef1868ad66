"""What the dashboard is connected to, and how it should present that.

A session is built before any screen opens (from the command line or a
profile) and again when the user switches profile in the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from trunktui.api import ConnectionSettings
from trunktui.profiles.config import Profile


@dataclass(frozen=True)
class Session:
    """``account`` (an i_account or a username) is opened at start, past the picker."""

    settings: ConnectionSettings
    profile: str = ""
    label: str = ""
    demo: bool = False
    production: bool = False
    hint: str = ""
    account: int | str | None = None

    @property
    def who(self) -> str:
        settings = self.settings
        login = f"customer {settings.i_customer} (trusted)" if settings.trusted else settings.username
        return f"{login}@{'simulator' if self.demo else settings.host}"

    @property
    def ask_password(self) -> bool:
        """A login with no password yet: the app asks for it before connecting."""
        return not self.settings.trusted and not self.settings.password

    @property
    def read_only(self) -> bool:
        return self.settings.read_only

    @property
    def insecure(self) -> bool:
        return self.settings.url.startswith("https:") and not self.settings.verify


def session_for(
    profile: Profile,
    password: str | None,
    *,
    read_only: bool = False,
    verify: bool | None = None,
    ca_bundle: str | None = None,
    timeout: float | None = None,
) -> Session:
    """A session for ``profile``; command-line options may tighten or override it."""
    settings = ConnectionSettings(
        profile.url,
        username=profile.username,
        password=password or "",
        trusted=profile.trusted,
        i_customer=profile.i_customer,
        verify=profile.verify if verify is None else verify,
        ca_bundle=ca_bundle or profile.ca_bundle,
        read_timeout=timeout or profile.timeout,
        read_only=read_only or profile.read_only,
    )
    return Session(
        settings,
        profile=profile.name,
        label=profile.title,
        production=profile.production,
    )
