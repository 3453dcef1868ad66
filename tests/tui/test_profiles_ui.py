"""Profiles in the app: read-only, production, TLS warnings, switching, the audit view."""

from __future__ import annotations

import json
import shlex
import ssl
import sys
from pathlib import Path

import pytest
import trustme
from textual.color import Color
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Button, Header, Input

from tests.conftest import Sim
from tests.tui.driving import (
    SIZE,
    WHOLESALE,
    account_id,
    make_app,
    open_account,
    open_trunk,
    rendered,
    route_app_through,
    server_trunk,
    settle,
    status_of,
    type_text,
    until,
)
from tests.wire import ForwardingTransport, RecordingTransport
from trunktui.api import ConnectionSettings, SippyClient
from trunktui.audit import AuditLog, audit_path
from trunktui.cli import argument_parser
from trunktui.cli.launch import plan
from trunktui.profiles.config import load_config
from trunktui.profiles.session import Overrides, Session, session_for
from trunktui.simulator import SimulatorServer, Store, seed_demo
from trunktui.text import quoted
from trunktui.tui.app import TrunkApp
from trunktui.tui.form import TrunkForm
from trunktui.tui.grid import Grid
from trunktui.tui.screens.accounts import AccountsScreen
from trunktui.tui.screens.audit import AuditScreen
from trunktui.tui.screens.confirm import ConfirmScreen
from trunktui.tui.screens.password import PasswordScreen
from trunktui.tui.screens.trunk import TrunkScreen
from trunktui.tui.screens.trunks import TrunksScreen


def first_trunk(client: SippyClient) -> tuple[int, int, str]:
    i_account = account_id(client, WHOLESALE)
    trunk = client.list_trunks(i_account)[0]
    return i_account, trunk.i_trunk, trunk.name


async def test_read_only_disables_every_change(sim: Sim, client: SippyClient, wire: RecordingTransport) -> None:
    """READ-ONLY in the header; n, c and d do nothing; the form cannot be edited or saved."""
    app = make_app(sim, label="lab", settings={"read_only": True})
    _, i_trunk, _ = first_trunk(client)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, WHOLESALE)
        assert "READ-ONLY" in app.title
        for key in ("n", "c", "d"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, TrunksScreen), key
        screen = await open_trunk(pilot, i_trunk)
        assert screen.query_one(TrunkForm).disabled
        assert not any(button.display for button in screen.query(Button))
        assert "viewed, not changed" in status_of(app, "#save-status")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TrunkScreen)
    assert not wire.of("createTrunk") and not wire.of("updateTrunk") and not wire.of("deleteTrunk")


async def test_read_only_hides_what_it_cannot_do_and_says_why(sim: Sim, client: SippyClient) -> None:
    """Read-only: New, Clone, Delete, Save and Re-create are in neither the footer nor the palette;
    n, c, d and Delete on the table say why nothing happens, while the pattern box still takes the
    letters; nothing reaches the audit trail."""
    app = make_app(sim, label="lab", settings={"read_only": True})
    _, i_trunk, _ = first_trunk(client)
    async with app.run_test(size=SIZE) as pilot:
        trunks = await open_account(pilot, WHOLESALE)
        shown = {active.binding.action for active in trunks.active_bindings.values()}
        assert "sort" in shown and not shown & {"new", "clone", "delete"}
        offered = await palette_prompts(pilot)
        assert "Open the highlighted trunk" in offered
        assert not [p for p in offered if p.startswith(("New trunk", "Clone", "Delete"))]
        for key, done in (("n", "created"), ("c", "cloned"), ("d", "deleted"), ("delete", "deleted")):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is trunks and status_of(app) == f"✖ Read-only: trunks cannot be {done} here.", key
        await pilot.press("p", "n", "c", "d")
        assert trunks.query_one("#pattern", Input).value == "ncd"
        await pilot.press("escape")
        await settle(pilot)

        screen = await open_trunk(pilot, i_trunk)
        assert "save" not in {active.binding.action for active in screen.active_bindings.values()}
        offered = await palette_prompts(pilot)
        assert "Show the passwords" in offered
        assert not [p for p in offered if p.startswith(("Save", "Re-create", "Revert"))]
    assert not audit_path().exists()


async def palette_prompts(pilot: Pilot[None]) -> list[str]:
    """Open the command palette, read the title of every entry it offers before anything is typed, close it."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
    await until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, "the palette's entries")
    await pilot.pause(0.1)
    commands = app.screen.query_one(CommandList)
    prompts = [str(commands.get_option_at_index(i).prompt).split("\n")[0] for i in range(commands.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    return prompts


async def test_production_delete_needs_the_typed_name(sim: Sim, client: SippyClient) -> None:
    """A production profile colours the header and names itself; Delete waits for the trunk's name."""
    app = make_app(sim, label="PROD Amsterdam", production=True)
    _, i_trunk, name = first_trunk(client)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, WHOLESALE)
        assert app.title == "PRODUCTION · PROD Amsterdam" and app.has_class("-production")
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        delete = dialog.query_one("#confirm", Button)
        assert delete.disabled and isinstance(app.focused, Input)
        await pilot.press(*name[:-1])
        assert delete.disabled
        await pilot.press("enter")
        assert app.focused is dialog.query_one("#typed") and app.screen is dialog
        await pilot.press(name[-1])
        assert not delete.disabled
        await pilot.press("enter")
        await settle(pilot)
    assert server_trunk(client, i_trunk) is None


async def test_the_box_for_the_typed_name_is_seen_before_anything_is_typed(sim: Sim) -> None:
    """At 80x24 the box under "Type the trunk's name" has a frame, so an operator sees where to type."""
    app = make_app(sim, label="PROD Amsterdam", production=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_account(pilot, WHOLESALE)
        await pilot.press("d")
        lines = (await rendered(pilot, "Type the trunk's name", "Cancel", "Delete")).splitlines()
        at = next(row for row, line in enumerate(lines) if "Type the trunk's name" in line)
        assert "▔" * 40 in lines[at + 1] and "▁" * 40 in lines[at + 3], "\n".join(lines)
        await pilot.press(*"sinch")
        assert "sinch" in (await rendered(pilot, "sinch")).splitlines()[at + 2]


async def test_unverified_tls_is_flagged_in_the_header(sim: Sim, tmp_path: Path) -> None:
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server = SimulatorServer(sim.store, ssl_context=context).start()
    try:
        app = make_app(sim, demo=False, settings={"url": server.url, "verify": False})
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "TLS NOT VERIFIED" in app.title and app.has_class("-insecure")
            assert isinstance(app.screen, AccountsScreen)
    finally:
        server.stop()


async def test_plain_http_is_flagged_in_the_header(sim: Sim, monkeypatch: pytest.MonkeyPatch) -> None:
    """http:// to a switch across the network: the Digest exchange and the trunks' SIP passwords travel
    in clear, and the header says PLAIN HTTP in the warning colour. The simulator on 127.0.0.1 is not flagged."""
    route_app_through(monkeypatch, ForwardingTransport(sim.url))
    app = make_app(sim, demo=False, settings={"url": "http://sippy-lab.example.net:8080/xmlapi/xmlapi"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)
        assert "PLAIN HTTP" in app.title and app.has_class("-insecure")
        await rendered(pilot, "PLAIN HTTP", "acme-wholesale")
    loopback = make_app(sim, demo=False)
    async with loopback.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "PLAIN HTTP" not in loopback.title and not loopback.has_class("-insecure")


@pytest.mark.parametrize(("url", "read_only", "warnings"), [
    ("http://10.255.255.1:8080/xmlapi/xmlapi", True, ["PRODUCTION", "READ-ONLY", "PLAIN HTTP"]),
    ("https://10.255.255.1/xmlapi/xmlapi", True, ["PRODUCTION", "READ-ONLY", "TLS NOT VERIFIED"]),
    ("http://10.255.255.1:8080/xmlapi/xmlapi", False, ["PRODUCTION", "PLAIN HTTP"]),
])
async def test_every_warning_shows_at_80_columns_on_production_red(
    sim: Sim, monkeypatch: pytest.MonkeyPatch, url: str, read_only: bool, warnings: list[str]
) -> None:
    """The warnings lead the header and a long label gives way (ending in …), so an 80-column
    terminal shows them all; a production switch reached insecurely keeps the production colour."""
    route_app_through(monkeypatch, ForwardingTransport(sim.url))
    app = make_app(sim, label="PROD Amsterdam core switch cluster A", production=True,
                   settings={"url": url, "read_only": read_only, "verify": False})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = (await rendered(pilot, "acme-wholesale")).splitlines()[0]
        assert header.split("⭘", 1)[1].strip().startswith(" · ".join([*warnings, "PROD Amsterdam"])), header
        assert header.rstrip().endswith("…"), header
        production_red = Color.parse(app.get_css_variables()["error-darken-2"])
        assert app.screen.query_one(Header).styles.background == production_red


@pytest.mark.parametrize(("url", "flagged"), [
    ("http://sippy.example.net", True), ("http://10.0.0.5:8080", True), ("http://[2001:db8::1]", True),
    ("http://127.0.0.1:8080", False), ("http://127.8.9.10", False), ("http://[::1]:8080", False),
    ("http://localhost", False), ("http://LocalHost:80", False), ("https://sippy.example.net", False),
])
def test_only_plain_http_off_the_machine_is_flagged(url: str, flagged: bool) -> None:
    assert Session(ConnectionSettings(url, username="noc")).plain_http is flagged


async def test_switching_profile_from_the_palette(sim: Sim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile's password_command runs off the UI thread; the app reconnects as that login."""
    monkeypatch.delenv("TRUNKTUI_PASSWORD", raising=False)
    command = f"{sys.executable} -c \"print('{sim.logins['globex'].password}')\""
    path = tmp_path / "profiles.toml"
    path.write_text(
        f'[profiles.acme]\nurl = "{sim.url}"\nusername = "acme"\n\n'
        f'[profiles.globex]\nlabel = "Globex lab"\nurl = "{sim.url}"\nusername = "globex"\n'
        f"password_command = {json.dumps(command)}\nread_only = true\n",
        encoding="utf-8",
    )
    config = load_config(path)
    app = make_app(sim, profile="acme", config=config)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, WHOLESALE)
        app.switch_profile("globex")
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen) and len(app.screen_stack) == 2
        assert app.session.profile == "globex" and app.session.read_only
        assert "Globex lab" in app.title and "READ-ONLY" in app.title
        await rendered(pilot, "globex-transit")


async def test_a_profile_label_is_shown_literally(sim: Sim, tmp_path: Path) -> None:
    """Labels are the user's words, not markup: one with a stray closing tag, a colour and a click
    action is listed, found and chosen in the palette, and named in the header, exactly as written."""
    label = "[/b] lab [red]e[@click=app.quit]"
    path = tmp_path / "profiles.toml"
    path.write_text(f'[profiles.acme]\nurl = "{sim.url}"\nusername = "acme"\n\n'
                    f'[profiles.lab]\nlabel = {json.dumps(label)}\nurl = "{sim.url}"\nusername = "acme"\n'
                    f"password = {json.dumps(sim.logins['acme'].password)}\n", encoding="utf-8")
    path.chmod(0o600)
    app = make_app(sim, profile="acme", config=load_config(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")

        def prompts() -> list[str]:
            commands = app.screen.query_one(CommandList)
            return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]

        await until(pilot, lambda: any(label in p for p in prompts()), "the label in the palette")
        await type_text(pilot, "[/b] lab")
        await until(pilot, lambda: bool(prompts()) and f"Profile: {label}" in prompts()[0], "the search result")
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and app.session.profile == "lab"
        assert isinstance(app.screen, AccountsScreen)
        assert label in app.title
        await rendered(pilot, label)


async def test_a_profile_with_an_unusable_ca_bundle_is_refused_before_its_password(
    sim: Sim, tmp_path: Path
) -> None:
    """Switching to a profile whose ca_bundle is gone says so, before its password_command runs, and
    the app stays connected as it was."""
    ran = tmp_path / "command-ran"
    path = tmp_path / "profiles.toml"
    path.write_text(f'[profiles.acme]\nurl = "{sim.url}"\nusername = "acme"\n\n'
                    f'[profiles.tls]\nurl = "{sim.url.replace("http:", "https:")}"\nusername = "acme"\n'
                    f'ca_bundle = "{tmp_path / "gone.pem"}"\n'
                    f"password_command = {json.dumps(shlex.join(['touch', str(ran)]))}\n", encoding="utf-8")
    app = make_app(sim, profile="acme", config=load_config(path))
    told: list[tuple[object, str]] = []
    shown = app.notify
    app.notify = lambda message, **options: (told.append((options.get("title"), message)), shown(message, **options))[1]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_profile("tls")
        await settle(pilot)
        assert app.is_running and app.session.profile == "acme" and isinstance(app.screen, AccountsScreen)
        (refusal,) = [message for title, message in told if title == "Cannot switch profile"]
        assert refusal.startswith("CA bundle ") and "no such file" in refusal
    assert not ran.exists()


async def test_command_line_options_hold_across_a_profile_switch(sim: Sim, tmp_path: Path) -> None:
    """trunktui --profile acme --read-only --timeout 7, then "Profile: globex" from the palette: the
    new connection is read-only too, with the same timeout, although the globex profile says neither."""
    command = f"{sys.executable} -c \"print('{sim.logins['globex'].password}')\""
    path = tmp_path / "profiles.toml"
    path.write_text(f'[profiles.acme]\nurl = "{sim.url}"\nusername = "acme"\n\n'
                    f'[profiles.globex]\nurl = "{sim.url}"\nusername = "globex"\n'
                    f"password_command = {json.dumps(command)}\n", encoding="utf-8")
    config = load_config(path)
    assert config is not None
    overrides = Overrides(read_only=True, timeout=7.0)
    first = session_for(config.profile("acme"), sim.logins["acme"].password, overrides)
    app = TrunkApp(first, config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_profile("globex")
        await settle(pilot)
        assert app.context is not None and app.session.profile == "globex"
        settings = app.context.client.settings
        assert settings.username == "globex" and settings.read_only and settings.read_timeout == 7.0
        assert "READ-ONLY" in app.title


async def test_an_edit_in_the_app_is_audited_and_shown(sim: Sim, client: SippyClient) -> None:
    """Saving through the form writes one redacted audit line; the audit view lists it."""
    _, i_trunk, _ = first_trunk(client)
    client.update_trunk(i_trunk, {"password": "old-secret"})
    app = make_app(sim, profile="lab")
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, WHOLESALE)
        screen = await open_trunk(pilot, i_trunk)
        screen.query_one("#field-password #input", Input).value = "new-secret"
        screen.query_one("#field-description #input", Input).value = "audited from the form"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert client.get_trunk(i_trunk).get("password") == "new-secret"
        app.action_audit()
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        await rendered(pilot, "update", "acme@127.0.0.1")
    text = audit_path().read_text(encoding="utf-8")
    assert "old-secret" not in text and "new-secret" not in text
    (entry,) = [json.loads(line) for line in text.splitlines()]
    assert entry["action"] == "update" and entry["trunk"] == i_trunk and entry["profile"] == "lab"
    assert entry["before"]["password"] == "***" and entry["after"] == {
        "description": "audited from the form", "password": "***"}


async def test_the_audit_view_says_which_connection_changed_and_how(sim22: Sim) -> None:
    """On a 2022+ switch each change of a connection is a row naming the connection and saying the change:
    old -> new for an update (a password never as its text), where a move took it."""
    log = AuditLog(profile="lab", server="sw", login="acme", path=audit_path())
    with SippyClient(sim22.settings(), audit=log) as client:
        i_trunk = client.list_trunks(account_id(client, WHOLESALE))[0].i_trunk
        top = client.list_connections(i_trunk)[0]
        client.update_connection(top, {"capacity": 480, "password": "N3wer"}, account=1)
        client.update_connection(top, {"order_no": "down"}, account=1)
    app = make_app(sim22, settings={"api": "2022"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_audit()
        await settle(pilot)
        grid = app.screen.query_one(Grid)
        await until(pilot, lambda: grid.row_count == 2, "both lines")
        moved, updated = ([text.plain for text in grid.get_row_at(row)] for row in (0, 1))
    named = f"{top.i_trunk_connection} {quoted(top.name)}"
    assert moved[5:] == [str(i_trunk), named, "OK", f"moved down from place {top.get('order_no')}"]
    assert updated[5:] == [str(i_trunk), named, "OK", f"capacity: {top.get('capacity')} -> 480, password: “” -> ***"]
    assert top.get("password") == ""


async def test_the_environment_password_stays_with_the_connection_it_was_given_for(
    sim: Sim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """trunktui --profile first with TRUNKTUI_PASSWORD set, then two profiles on another switch from
    the palette. The one with no password asks for it before anything reaches that switch; the one
    with a password_command runs it and connects with what it printed. Nothing computed from the
    first switch's password is ever sent to the second."""
    store = Store()
    seed_demo(store, passwords={"acme": "second-switch-password"})
    second = SimulatorServer(store).start()
    try:
        ran = tmp_path / "command-ran"
        script = tmp_path / "password.py"
        script.write_text(f"import pathlib\npathlib.Path({str(ran)!r}).touch()\nprint('second-switch-password')\n",
                          encoding="utf-8")
        command = shlex.join([sys.executable, str(script)])
        path = tmp_path / "profiles.toml"
        path.write_text(f'[profiles.first]\nurl = "{sim.url}"\nusername = "acme"\n\n'
                        f'[profiles.asks]\nurl = "{second.url}"\nusername = "acme"\n\n'
                        f'[profiles.command]\nurl = "{second.url}"\nusername = "acme"\n'
                        f"password_command = {json.dumps(command)}\n", encoding="utf-8")
        monkeypatch.setenv("TRUNKTUI_CONFIG", str(path))
        monkeypatch.setenv("TRUNKTUI_PASSWORD", sim.logins["acme"].password)
        launch = plan(argument_parser().parse_args(["--profile", "first"]))
        assert launch.session is not None
        app = TrunkApp(launch.session, launch.config)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, AccountsScreen) and app.session.profile == "first"

            app.switch_profile("asks")
            await settle(pilot)
            assert isinstance(app.screen, PasswordScreen)
            assert (second.stats.calls, second.stats.challenges) == (0, 0)
            assert "TRUNKTUI_PASSWORD" not in await rendered(pilot, "API password for acme@")
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, AccountsScreen) and app.session.profile == "first"

            app.switch_profile("command")
            await settle(pilot)
            assert ran.exists()
            assert isinstance(app.screen, AccountsScreen) and app.session.profile == "command"
            assert app.session.settings.password == "second-switch-password"
            await rendered(pilot, "acme-wholesale")
            assert second.stats.calls > 0
    finally:
        second.stop()


async def test_a_ca_bundle_gone_after_its_check_ends_the_app_with_the_reason(tmp_path: Path) -> None:
    """The bundle is checked before the prompt; if it vanishes before the app connects, trunktui
    ends with status 2 and the reason, never a traceback."""
    settings = ConnectionSettings("https://127.0.0.1:9", username="noc", password="pw",
                                  ca_bundle=str(tmp_path / "gone.pem"))
    app = TrunkApp(Session(settings, profile="lab"))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 2
