"""What the dashboard is connected to, and how it should present that.

A session is built before any screen opens (from the command line or a
profile) and again when the user switches profile in the app; each time,
``check_trust`` first makes sure its CA certificates can be loaded.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from trunktui.api import ConnectionSettings, check_connection_settings
from trunktui.audit import AuditLog, audit_path
from trunktui.errors import InputError
from trunktui.fanout import DEFAULT_CONCURRENCY
from trunktui.profiles.config import Profile

_DEMO_URL = "http://127.0.0.1"


@dataclass(frozen=True)
class Overrides:
    """Command-line options that hold for the whole run, whichever profile is in use.

    None leaves the profile's own setting; ``read_only`` can only tighten.
    """

    read_only: bool = False
    verify: bool | None = None
    ca_bundle: str | None = None
    timeout: float | None = None
    api: str | None = None
    concurrency: int | None = None


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
    overrides: Overrides = Overrides()
    concurrency: int = DEFAULT_CONCURRENCY
    """Calls at once when searching every account."""

    @property
    def who(self) -> str:
        settings = self.settings
        login = f"customer {settings.i_customer} (trusted)" if settings.trusted else settings.username
        return f"{login}@{'simulator' if self.demo else settings.host}"

    @property
    def ask_password(self) -> bool:
        """A login with no password yet: the app asks for it before connecting."""
        return not self.settings.trusted and not self.settings.password

    def audit(self, on_failure: Callable[[str], None] | None = None) -> AuditLog:
        """The audit trail of changes made in this session, from the app or a scripting command alike."""
        settings = self.settings
        login = f"trusted:{settings.i_customer}" if settings.trusted else settings.username
        extra = {} if on_failure is None else {"on_failure": on_failure}
        return AuditLog(profile=self.profile or "-", server=settings.host, login=login, path=audit_path(), **extra)

    @property
    def read_only(self) -> bool:
        return self.settings.read_only

    @property
    def insecure(self) -> bool:
        return self.settings.url.startswith("https:") and not self.settings.verify

    @property
    def plain_http(self) -> bool:
        """Whether the Digest exchange and every trunk's SIP password cross a network in clear.

        A loopback address is exempt: nothing leaves the machine (the
        demo's simulator is one).
        """
        url = urlsplit(self.settings.url)
        return url.scheme == "http" and not _is_loopback(url.hostname or "")


def _is_loopback(host: str) -> bool:
    """``localhost``, or an address in 127.0.0.0/8 or ``::1``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def session_for(profile: Profile, password: str | None, overrides: Overrides = Overrides()) -> Session:
    """A session for ``profile``, with the command line's ``overrides`` applied and kept for the next one."""
    settings = ConnectionSettings(
        profile.url,
        username=profile.username,
        password=password or "",
        trusted=profile.trusted,
        i_customer=profile.i_customer,
        verify=profile.verify if overrides.verify is None else overrides.verify,
        ca_bundle=overrides.ca_bundle or profile.ca_bundle,
        read_timeout=profile.timeout if overrides.timeout is None else overrides.timeout,
        read_only=overrides.read_only or profile.read_only,
        api=overrides.api or profile.api,
    )
    return Session(
        settings,
        profile=profile.name,
        label=profile.title,
        production=profile.production,
        overrides=overrides,
        concurrency=overrides.concurrency or profile.concurrency,
    )


def check_trust(profile: Profile | None, overrides: Overrides = Overrides()) -> None:
    """Refuse, with an InputError of one line, settings no connection could be made with.

    Those are CA certificates the connection could not load and a timeout
    it could not keep (NaN, infinite, more than a day). Called before any
    password is asked for or any password_command runs: the bundle is only
    read when the connection is made, and a mistyped path or number should
    not cost a typed password and then a crash or a failure on every call.
    ``profile`` None is the demo, on plain HTTP, which reads no
    certificates. The checks are the connection's own; this adds who gave
    the setting.
    """
    try:
        if profile is None:
            settings = ConnectionSettings(_DEMO_URL, username="demo")
            if overrides.timeout is not None:
                settings = replace(settings, read_timeout=overrides.timeout)
        else:
            settings = session_for(profile, None, overrides).settings
        check_connection_settings(settings)
    except InputError as error:
        origin = _origin(error.field, profile, overrides)
        if origin is None:
            raise
        raise InputError(f"{error.message.removesuffix('.')} ({origin}).", field=error.field) from None


def _origin(field: str | None, profile: Profile | None, overrides: Overrides) -> str | None:
    """Who gave the setting ``field`` names: a command-line option, or a profile's key."""
    option = {"ca_bundle": ("--ca-bundle", overrides.ca_bundle), "timeout": ("--timeout", overrides.timeout)}
    if field not in option:
        return None
    name, given = option[field]
    if given is not None:
        return name
    return f"{field} of profile {profile.name!r}" if profile is not None else None
