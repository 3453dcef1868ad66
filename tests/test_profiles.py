"""Profiles, credentials and the command line that uses them."""

from __future__ import annotations

import argparse
import io
import json
import os
import shlex
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
import trustme

from tests.conftest import Sim
from trunktui.api import SippyClient, normalize_url
from trunktui.api.connection import Connection, ConnectionSettings
from trunktui.cli import argument_parser, launch, main
from trunktui.cli.launch import DEMO_HINT, Launch, LaunchError, plan
from trunktui.errors import InputError, TlsError
from trunktui.profiles import credentials
from trunktui.profiles.config import SAMPLE, ConfigError, load_config, write_sample
from trunktui.profiles.credentials import CredentialError, resolve_password, run_password_command
from trunktui.profiles.session import Overrides, check_trust, session_for
from trunktui.simulator import SimulatorServer, Store, seed_demo

GOOD = """\
default = "lab"

[profiles.lab]
url = "sippy-lab.example.net"
username = "noc"
timeout = 10
password_command = "printf 'secret-from-command\\nsecond line'"

[profiles.prod]
label = "PROD Amsterdam"
url = "https://sippy-ams.example.net:8443"
username = "noc"
read_only = true
production = true

[profiles.mgmt]
url = "10.0.0.5"
mode = "trusted"
i_customer = 42
"""


def write(tmp_path: Path, text: str, mode: int = 0o644) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_a_good_file_loads_every_profile(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config is not None
    assert set(config.profiles) == {"lab", "prod", "mgmt"}
    lab, prod, mgmt = config.profile(None), config.profile("prod"), config.profile("mgmt")
    assert (lab.name, lab.timeout, lab.trusted) == ("lab", 10, False)
    assert (prod.read_only, prod.production, prod.title) == (True, True, "PROD Amsterdam")
    assert (mgmt.trusted, mgmt.i_customer, mgmt.title) == (True, 42, "mgmt")


def test_no_file_is_no_config(tmp_path: Path) -> None:
    assert load_config(tmp_path / "absent.toml") is None


@pytest.mark.parametrize(("text", "line", "words"), [
    ('default = "lab"\n[profiles.lab\nurl = "x"\n', 2, "not valid TOML"),
    ('[profiles.lab]\nurl = "x"\nusername = "u"\ncolour = "red"\n', 4, "unknown key 'colour'"),
    ('[profiles.lab]\nurl = "x"\nusername = "u"\ntimeout = "slow"\n', 4, "timeout must be a number"),
    ('[profiles.lab]\nurl = "x"\nusername = "u"\nread_only = 1\n', 4, "read_only must be true or false"),
    ('[profiles.lab]\nurl = "x"\nusername = "u"\ni_customer = true\n', 4, "i_customer must be an integer"),
    ('[profiles.lab]\nusername = "u"\n', 1, "has no url"),
    ('[profiles.lab]\nurl = "x"\n', 1, "needs a username"),
    ('[profiles.lab]\nurl = "x"\nmode = "basic"\n', 3, 'mode must be "digest" or "trusted"'),
    ('[profiles.lab]\nurl = "x"\nmode = "trusted"\n', 1, "no i_customer"),
    ('[profiles.lab]\nurl = "x"\nusername = "u"\ntimeout = 0\n', 4, "timeout must be at least 0.1"),
    ('[profiles.lab]\nurl = "x"\nusername = "u"\ntimeout = 1e-9\n', 4, "timeout must be at least 0.1"),
    ('[profiles.lab]\nurl = "x"\nmode = "trusted"\ni_customer = 0\n', 4, "i_customer must be between 1 and"),
    ('[profiles.lab]\nurl = "x"\nmode = "trusted"\ni_customer = -1\n', 4, "i_customer must be between 1 and"),
    ('default = "prod"\n[profiles.lab]\nurl = "x"\nusername = "u"\n', 1, "not a profile"),
    ('colour = "red"\n', 1, "unknown top-level key"),
    ('[profiles.lab]\nurl = "x"\nusername = "u"\napi = "2023"\n', 4, "api must be 'auto' or '2020' or '2022'"),
    ('[profiles.lab]\nurl = "x"\nusername = "u"\napi = 2022\n', 4,
     "api must be 'auto' or '2020' or '2022' (quoted), not 2022"),
    ('[profiles.lab]\nurl = "x"\nusername = "u"\napi = true\n', 4, "(quoted), not true"),
    ('[profiles.lab]\nurl = "x"\nusername = "u"\nconcurrency = 0\n', 4, "concurrency must be 1 to 16"),
    ('[profiles.lab]\nurl = "x"\nusername = "u"\nconcurrency = 17\n', 4, "must be 1 to 16, not 17"),
    ('[profiles.lab]\nurl = "x"\nusername = "u"\nconcurrency = "4"\n', 4,
     "concurrency must be an integer"),
])
def test_mistakes_name_the_file_the_line_and_what_is_expected(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}, line {line}: ")
    assert words in str(caught.value)


def test_an_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config is not None
    with pytest.raises(ConfigError, match="lab, mgmt, prod"):
        config.profile("staging")


def test_a_password_in_the_file_needs_a_private_file(tmp_path: Path) -> None:
    text = '[profiles.lab]\nurl = "x"\nusername = "u"\npassword = "plain"\n'
    with pytest.raises(ConfigError, match="chmod 600") as caught:
        load_config(write(tmp_path, text, 0o644))
    assert caught.value.line == 4 and "plain" not in str(caught.value)
    config = load_config(write(tmp_path, text, 0o600))
    assert config is not None and config.profile("lab").password == "plain"
    assert "plain" not in repr(config.profile("lab"))


@pytest.mark.parametrize("mode", [0o664, 0o646])
def test_a_password_command_needs_a_file_only_its_owner_can_write(tmp_path: Path, mode: int) -> None:
    """Whoever can write the file chooses the command trunktui runs: group- or world-writable is refused."""
    text = '[profiles.lab]\nurl = "x"\nusername = "u"\npassword_command = "pass show lab"\n'
    with pytest.raises(ConfigError, match="chmod go-w") as caught:
        load_config(write(tmp_path, text, mode))
    assert caught.value.line == 4
    config = load_config(write(tmp_path, text, 0o644))
    assert config is not None and config.profile("lab").password_command == "pass show lab"


def test_password_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config is not None
    monkeypatch.delenv("TRUNKTUI_PASSWORD", raising=False)
    assert resolve_password(config.profile("lab")) == "secret-from-command"
    assert resolve_password(config.profile("prod")) is None
    monkeypatch.setenv("TRUNKTUI_PASSWORD", "from-env")
    assert resolve_password(config.profile("lab")) == "from-env"


@pytest.mark.parametrize(("command", "words"), [
    (f"{sys.executable} -c \"import sys; sys.stderr.write('vault locked'); sys.exit(3)\"", "exit 3): vault locked"),
    ("no-such-password-tool --get", "'no-such-password-tool' was not found"),
    ("true", "printed no password"),
    ("'unbalanced", "cannot be parsed"),
])
def test_a_failing_password_command_says_why(command: str, words: str) -> None:
    with pytest.raises(CredentialError, match=words.replace("(", r"\(").replace(")", r"\)")):
        run_password_command(command, "lab")


def test_a_password_command_cannot_put_raw_bytes_or_escapes_in_front_of_the_user() -> None:
    """Output that is not UTF-8 is a clear error, not a traceback; a failing command's stderr
    (here an ESC ] title sequence) is shown with visible stand-ins, never raw."""
    with pytest.raises(CredentialError, match="not UTF-8"):
        run_password_command(f"{sys.executable} -c \"import sys; sys.stdout.buffer.write(b'\\xff\\xfe')\"", "lab")
    title = f"{sys.executable} -c \"import sys; sys.stderr.write('\\x1b]0;owned\\x07 locked'); sys.exit(2)\""
    with pytest.raises(CredentialError) as caught:
        run_password_command(title, "lab")
    message = str(caught.value)
    assert "\x1b" not in message and "\x07" not in message and "owned" in message and "locked" in message


def test_a_password_command_that_prints_far_too_much_is_stopped(tmp_path: Path) -> None:
    """The wrong command (a log, a file) printing 16 MiB is not taken as a password: reading stops
    past the cap and the command is killed. It notes how much it managed to write: little past the cap,
    not the 16 MiB a full read would have taken."""
    written = tmp_path / "written"
    script = tmp_path / "flood.py"
    script.write_text("import sys\nchunk = b'x' * 65536\nfor n in range(1, 257):\n"
                      "    sys.stdout.buffer.write(chunk)\n    sys.stdout.buffer.flush()\n"
                      f"    with open({str(written)!r}, 'a') as out:\n        out.write(f'{{n * len(chunk)}}\\n')\n",
                      encoding="utf-8")
    with pytest.raises(CredentialError, match="printed more than 64 KiB and was stopped"):
        run_password_command(shlex.join([sys.executable, str(script)]), "lab")
    assert max(int(line) for line in written.read_text(encoding="utf-8").split()) < 1024 * 1024


@pytest.mark.parametrize(("command", "answer"), [
    ("sh -c 'echo acme-demo; sleep 5 &'", "acme-demo"),
    ("sh -c 'echo vault locked >&2; sleep 5 & exit 3'", "failed (exit 3): vault locked"),
])
def test_a_password_command_is_answered_when_it_exits_whoever_holds_its_output(
    command: str, answer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process the command leaves behind keeps its output open; what the command printed before it
    exited is its answer all the same, a moment later, not a timeout."""
    monkeypatch.setattr(credentials, "COMMAND_TIMEOUT", 3.0)
    started = time.monotonic()
    try:
        said = run_password_command(command, "lab")
    except CredentialError as error:
        said = str(error)
    assert answer in said
    assert time.monotonic() - started < 2


def test_a_failing_command_that_floods_stderr_is_quoted_briefly() -> None:
    command = f"{sys.executable} -c \"import sys; sys.stderr.write('locked ' * 2_000_000); sys.exit(4)\""
    with pytest.raises(CredentialError, match=r"failed \(exit 4\): locked locked") as caught:
        run_password_command(command, "lab")
    assert len(str(caught.value)) < 300


def test_config_init_writes_a_private_sample_that_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "conf" / "profiles.toml"
    monkeypatch.setenv("TRUNKTUI_CONFIG", str(path))
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(path)
    assert main(["config", "init"]) == 0
    assert path.read_text(encoding="utf-8") == SAMPLE
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    config = load_config(path)
    assert config is not None and config.default == "sim" and config.profile("production").read_only
    assert main(["config", "init"]) == 2
    assert "already exists" in capsys.readouterr().err
    with pytest.raises(ConfigError):
        write_sample(path)


def namespace(**given: object) -> argparse.Namespace:
    """The options of a command line that gives nothing but ``given``."""
    options = vars(argument_parser().parse_args([]))
    options.update(given)
    return argparse.Namespace(**options)


@pytest.mark.parametrize("given", [
    {"demo": True, "url": "x"}, {"profile": "lab", "url": "x"}, {"customer": 3},
    {"url": "x"}, {"user": "u"}, {"url": "x", "trusted": True, "user": "u"},
])
def test_contradictory_options_are_refused(given: dict[str, object]) -> None:
    with pytest.raises(LaunchError):
        plan(namespace(**given))


def test_a_broken_profiles_file_stops_before_any_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, '[profiles.lab]\nurl = "x"\nusername = "u"\ncolour = 1\n')
    monkeypatch.setenv("TRUNKTUI_CONFIG", str(path))
    with pytest.raises(SystemExit) as exited:
        main(["--profile", "lab"])
    assert exited.value.code == 2
    assert f"{path}, line 4: unknown key 'colour'" in capsys.readouterr().err


def test_no_profile_and_no_file_means_the_demo_with_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUNKTUI_CONFIG", str(tmp_path / "none.toml"))
    launch = plan(namespace())
    assert launch.session is None and launch.hint == DEMO_HINT
    assert plan(namespace(demo=True)).hint == ""


def test_a_profile_becomes_a_session_that_options_can_tighten(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUNKTUI_CONFIG", str(write(tmp_path, GOOD)))
    monkeypatch.delenv("TRUNKTUI_PASSWORD", raising=False)
    lab = plan(namespace()).session
    assert lab is not None and lab.profile == "lab" and not lab.ask_password
    assert lab.settings.password == "secret-from-command" and lab.settings.read_timeout == 10
    assert not lab.read_only and not lab.production
    tightened = plan(namespace(read_only=True, insecure=True)).session
    assert tightened is not None and tightened.read_only and tightened.insecure
    prod = plan(namespace(profile="prod")).session
    assert prod is not None and prod.read_only and prod.production and prod.ask_password
    assert prod.label == "PROD Amsterdam"
    mgmt = plan(namespace(profile="mgmt")).session
    assert mgmt is not None and mgmt.settings.trusted and mgmt.settings.i_customer == 42 and not mgmt.ask_password


def test_a_profiles_ca_bundle_verifies_a_self_signed_switch(sim: Sim, tmp_path: Path) -> None:
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    authority.cert_pem.write_to_path(str(tmp_path / "switch-ca.pem"))
    server = SimulatorServer(sim.store, ssl_context=context).start()
    try:
        text = (f'[profiles.tls]\nurl = "{server.url}"\nusername = "acme"\n'
                f'ca_bundle = "{tmp_path / "switch-ca.pem"}"\n\n'
                f'[profiles.plain]\nurl = "{server.url}"\nusername = "acme"\n')
        config = load_config(write(tmp_path, text))
        assert config is not None
        password = sim.logins["acme"].password
        with SippyClient(session_for(config.profile("tls"), password).settings) as api:
            assert api.list_accounts()
        with (SippyClient(session_for(config.profile("plain"), password).settings) as api,
              pytest.raises(TlsError, match="could not be verified")):
            api.list_accounts()
    finally:
        server.stop()


class UnreadStdin(io.StringIO):
    """Standard input that records any attempt to read it: a password prompt would."""

    def __init__(self) -> None:
        super().__init__()
        self.read_from = False

    def read(self, size: int | None = -1) -> str:
        self.read_from = True
        return ""

    def readline(self, size: int | None = -1) -> str:
        self.read_from = True
        return ""


def bundle(tmp_path: Path, kind: str) -> str:
    """A CA bundle ssl cannot load: missing, a directory, empty, or not PEM."""
    path = tmp_path / "switch-ca.pem"
    if kind == "directory":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "garbage":
        path.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    return str(path)


def refused_at_start(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``trunktui argv``, which must end at once, non-zero, with one line on stderr, before reading
    standard input or starting the app; return that line."""
    stdin = UnreadStdin()
    monkeypatch.setattr(sys, "stdin", stdin)
    started: list[object] = []
    monkeypatch.setattr(launch, "run_app", lambda *given: started.append(given) or 0)
    monkeypatch.setattr(launch, "run_demo", lambda *given, **options: started.append(given) or 0)
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code != 0
    out, err = capsys.readouterr()
    assert not out and err.count("\n") == 1
    assert not started and not stdin.read_from
    return err


@pytest.mark.parametrize("command_line", [
    ["--url", "https://sippy.example.net", "--user", "noc", "--ca-bundle", "{bundle}"],
    ["--url", "https://sippy.example.net", "--user", "noc"],
    ["--profile", "lab"],
], ids=["--ca-bundle", "SSL_CERT_FILE", "profile"])
@pytest.mark.parametrize("kind", ["missing", "directory", "empty", "garbage"])
def test_unusable_ca_certificates_stop_trunktui_before_any_password(
    command_line: list[str], kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A CA bundle ssl cannot load, named by --ca-bundle, SSL_CERT_FILE or a profile, ends trunktui at
    once with one line on stderr and a non-zero status: no password_command runs, standard input is
    not read, and the app (and its password prompt) never starts."""
    path = bundle(tmp_path, kind)
    ran = tmp_path / "password-command-ran"
    config = write(tmp_path, f'[profiles.lab]\nurl = "https://sippy.example.net"\nusername = "noc"\n'
                             f"ca_bundle = {json.dumps(path)}\n"
                             f"password_command = {json.dumps(shlex.join(['touch', str(ran)]))}\n")
    monkeypatch.setenv("TRUNKTUI_CONFIG", str(config))
    monkeypatch.delenv("TRUNKTUI_PASSWORD", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    if command_line[-1] != "{bundle}" and command_line[0] != "--profile":
        monkeypatch.setenv("SSL_CERT_FILE", path)
    err = refused_at_start([part.replace("{bundle}", path) for part in command_line], monkeypatch, capsys)
    assert err.startswith(f"trunktui: error: CA bundle {path}")
    assert not ran.exists()


@pytest.mark.parametrize("command_line", [
    ["--demo"],
    ["--url", "http://127.0.0.1:1", "--trusted", "--customer", "1", "--ca-bundle", "{bundle}"],
], ids=["demo", "http"])
def test_a_plain_http_switch_reads_no_ca_certificates(
    command_line: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over plain HTTP there is no certificate to verify: an unusable bundle, named or in SSL_CERT_FILE,
    does not stop trunktui, and no certificates are loaded, neither at start nor by the connection."""
    path = bundle(tmp_path, "garbage")
    monkeypatch.setenv("SSL_CERT_FILE", path)
    monkeypatch.setenv("TRUNKTUI_CONFIG", str(tmp_path / "none.toml"))
    loaded: list[object] = []
    monkeypatch.setattr(ssl, "create_default_context", lambda *given, **options: loaded.append(given) or 0)
    started: list[Launch] = []
    monkeypatch.setattr(launch.Launch, "__call__", lambda self: started.append(self) or 0)
    assert main([part.replace("{bundle}", path) for part in command_line]) == 0
    assert len(started) == 1 and not loaded
    settings = started[0].session.settings if started[0].session else ConnectionSettings("http://127.0.0.1", "demo")
    Connection(settings).close()
    assert not loaded


@pytest.mark.parametrize("command_line", [
    ["--url", "http://127.0.0.1:1", "--user", "noc", "--timeout", "{timeout}"],
    ["--url", "http://127.0.0.1:1", "--trusted", "--customer", "1", "--timeout", "{timeout}"],
    ["--profile", "lab", "--timeout", "{timeout}"],
    ["--demo", "--timeout", "{timeout}"],
], ids=["--url", "--trusted", "--profile", "demo"])
@pytest.mark.parametrize(("timeout", "problem"), [
    ("nan", "must be a number, such as 2 or 2.5"), ("inf", "must be a number, such as 2 or 2.5"),
    ("\u0663\u0660", "must be written with the digits 0-9"), ("1_0", "must be a number, such as 2 or 2.5"),
    ("1e10", "must be at least 0.1 and at most 86,400 seconds (a day)"),
    ("0", "must be at least 0.1 and at most 86,400 seconds (a day)"),
    ("1e-9", "must be at least 0.1 and at most 86,400 seconds (a day)"),
])
def test_a_timeout_option_no_connection_can_keep_stops_trunktui_before_any_password(
    command_line: list[str], timeout: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--timeout is a number of seconds written with the digits 0-9, from 0.1 to a day; anything else ends
    trunktui at once with a usage error: no password_command runs, standard input is not read."""
    ran = tmp_path / "password-command-ran"
    config = write(tmp_path, '[profiles.lab]\nurl = "http://127.0.0.1:1"\nusername = "noc"\n'
                             f"password_command = {json.dumps(shlex.join(['touch', str(ran)]))}\n")
    monkeypatch.setenv("TRUNKTUI_CONFIG", str(config))
    monkeypatch.delenv("TRUNKTUI_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", UnreadStdin())
    monkeypatch.setattr(launch, "run_app", lambda *given: 0)
    monkeypatch.setattr(launch, "run_demo", lambda *given, **options: 0)
    with pytest.raises(SystemExit) as exited:
        main([part.replace("{timeout}", timeout) for part in command_line])
    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith(f"trunktui: error: argument --timeout: {problem}, not {timeout!r}\n")
    assert not ran.exists()


@pytest.mark.parametrize("timeout", ["nan", "inf", "1e10", "0", "1e-9"])
@pytest.mark.parametrize("command_line", [["--profile", "lab"], ["--profile", "lab", "--timeout", "5"], []])
def test_a_profile_timeout_no_connection_can_keep_stops_trunktui_with_its_line(
    command_line: list[str], timeout: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The profile's timeout obeys the same rule as --timeout, and is reported with the file's line."""
    ran = tmp_path / "password-command-ran"
    config = write(tmp_path, f'[profiles.lab]\nurl = "http://127.0.0.1:1"\nusername = "noc"\ntimeout = {timeout}\n'
                             f"password_command = {json.dumps(shlex.join(['touch', str(ran)]))}\n")
    monkeypatch.setenv("TRUNKTUI_CONFIG", str(config))
    monkeypatch.delenv("TRUNKTUI_PASSWORD", raising=False)
    err = refused_at_start(command_line, monkeypatch, capsys)
    assert err.startswith(f"trunktui: error: {config}, line 4: timeout must be at least 0.1 and at most 86,400 "
                          "seconds (a day), not ")
    assert not ran.exists()


def test_a_connection_that_does_not_verify_reads_no_ca_bundle(tmp_path: Path) -> None:
    """With --insecure nothing is verified, so a profile's missing bundle is not in the way."""
    config = load_config(write(tmp_path, f'[profiles.lab]\nurl = "sippy.example.net"\nusername = "noc"\n'
                                         f'ca_bundle = "{tmp_path / "gone.pem"}"\n'))
    assert config is not None
    with pytest.raises(InputError, match=r"gone.pem: no such file \(ca_bundle of profile 'lab'\)"):
        check_trust(config.profile("lab"))
    check_trust(config.profile("lab"), Overrides(verify=False))


@pytest.mark.parametrize(("given", "expected"), [
    ("42", 42), (" acme-retail ", "acme-retail"), ("²", "²"), ("٤٢", "٤٢"), (None, None),
])
def test_account_names_the_account_to_open(given: str | None, expected: int | str | None) -> None:
    """--account: ASCII digits are an i_account, anything else a username (``²`` and other
    digits ``int`` refuses too); it reaches the session."""
    launch = plan(namespace(demo=True, account=given))
    assert launch.account == expected


def test_an_empty_account_is_refused() -> None:
    with pytest.raises(LaunchError, match="--account needs"):
        plan(namespace(demo=True, account="  "))


@pytest.mark.parametrize(("url", "problem"), [
    ("127.0.0.1:99999", "port must be between 1 and 65535"),
    ("http://127.0.0.1:0", "port must be between 1 and 65535"),
    ("https://[::1]:65536/xmlapi/xmlapi", "port must be between 1 and 65535"),
    ("sw..example.net", "must be a host or IP address"),
    ("-sw.example.net", "must be a host or IP address"),
    ("ftp://sw.example.net", "Use http:// or https://"),
    ("127.0.0.1:", "the port after ':' is empty"),
    ("127.0.0.1:\u0668\u0660\u0668\u0660", "port must be written with the digits 0-9"),
    ("127.0.0.1:1_0", "port must be a whole number"),
    ("http://[::1", "the IPv6 address has no closing ']'"),
])
def test_a_switch_address_no_connection_could_use_stops_trunktui_before_any_password(
    url: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """An impossible port or host in --url, or in the profile chosen, ends trunktui with exit code 2 and
    one line saying what is wrong, before the password prompt (or password_command) and before any call."""
    ran = tmp_path / "password-command-ran"
    config = write(tmp_path, f"[profiles.lab]\nurl = {json.dumps(url)}\nusername = \"noc\"\n"
                             f"password_command = {json.dumps(shlex.join(['touch', str(ran)]))}\n")
    monkeypatch.setenv("TRUNKTUI_CONFIG", str(config))
    monkeypatch.delenv("TRUNKTUI_PASSWORD", raising=False)
    for argv in ([f"--url={url}", "--user", "noc"], ["--profile", "lab"]):
        err = refused_at_start(argv, monkeypatch, capsys)
        assert err.startswith("trunktui: error: ") and problem in err
    assert not ran.exists()


@pytest.mark.parametrize(("typed", "problem"), [
    ("127.0.0.1:abc", "port must be a whole number"),
    ("127.0.0.1:", "the port after ':' is empty"),
    ("http://[::1]:", "the port after ':' is empty"),
    ("127.0.0.1:\u0668\u0660\u0668\u0660", "port must be written with the digits 0-9"),
    ("https://sw.example.net:8_443/xmlapi", "port must be a whole number"),
    ("http://[::1", "the IPv6 address has no closing ']'"),
    ("http://::1/", "an IPv6 address must be written in [brackets]"),
    ("http://[::1]x", "must be a host or IP address, optionally followed by :port"),
])
def test_a_wrong_switch_address_is_quoted_as_typed_with_its_real_problem(typed: str, problem: str) -> None:
    """httpx would read other digits or 1_0 as a port, drop an empty one (and connect to 443), and call an
    IPv6 address without its ']' a port: the address is refused as typed, never as rewritten."""
    with pytest.raises(InputError) as caught:
        normalize_url(typed)
    assert caught.value.message == f"{typed!r} is not a valid switch address: {problem}."


@pytest.mark.parametrize(("customer", "problem"), [
    ("\u0661", "must be written with the digits 0-9"), ("1_0", "must be a whole number"),
    ("0", "must be between 1 and 2147483647"), ("-1", "must be between 1 and 2147483647"),
    ("2147483648", "must be between 1 and 2147483647"),
])
def test_a_customer_id_is_positive_and_written_with_the_digits_0_9(
    customer: str, problem: str, capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        argument_parser().parse_args(["--url", "http://127.0.0.1:8080", "--trusted", "--customer", customer])
    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith(f"argument --customer: {problem}, not {customer!r}\n")


def test_trunktui_with_an_impossible_port_exits_2_without_asking_for_a_password() -> None:
    """The command as typed, in its own process with a terminal's worth of nothing on standard input."""
    done = subprocess.run([sys.executable, "-m", "trunktui", "--url", "127.0.0.1:99999", "--user", "noc"],
                          capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL,
                          env={**os.environ, "TRUNKTUI_PASSWORD": ""})
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == ("trunktui: error: '127.0.0.1:99999' is not a valid switch address: "
                           "port must be between 1 and 65535.\n")


def test_config_init_gives_a_newcomer_a_default_profile_that_works_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """After config init, plain trunktui reaches the simulator the sample names: no program runs, nothing is
    asked, and the file ends with a newline. The simulator runs here as the sample says to start it
    (trunktui sim --trust 127.0.0.1), on a free port instead of 8080."""
    path = tmp_path / "conf" / "profiles.toml"
    monkeypatch.setenv("TRUNKTUI_CONFIG", str(path))
    monkeypatch.delenv("TRUNKTUI_PASSWORD", raising=False)
    assert main(["config", "init"]) == 0
    assert "trunktui sim --trust 127.0.0.1" in capsys.readouterr().out
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "pass show" not in "".join(line.split("#")[0] for line in text.splitlines())

    def forbidden(*given: object, **options: object) -> None:
        raise AssertionError("a program was run or a password asked for")

    monkeypatch.setattr(subprocess, "Popen", forbidden)
    monkeypatch.setattr(credentials, "run_password_command", forbidden)
    monkeypatch.setattr(sys, "stdin", UnreadStdin())
    store = Store()
    seed_demo(store)
    server = SimulatorServer(store, trusted_hosts=["127.0.0.1"]).start()
    try:
        path.write_text(text.replace("127.0.0.1:8080", f"127.0.0.1:{server.port}"), encoding="utf-8")
        session = plan(namespace()).session
        assert session is not None and session.profile == "sim" and not session.ask_password
        with SippyClient(session.settings) as api:
            assert {account.username for account in api.list_accounts()} >= {"acme-wholesale"}
    finally:
        server.stop()
    assert not sys.stdin.read_from  # type: ignore[attr-defined]


def test_the_api_option_holds_for_every_profile_switched_to(tmp_path: Path) -> None:
    """--api 2022 overrides a profile's own api, for the profile started with and any switched to later."""
    text = GOOD.replace('username = "noc"\nread_only', 'username = "noc"\napi = "2020"\nread_only')
    config = load_config(write(tmp_path, text))
    assert config is not None and config.profile("prod").api == "2020"
    for name in ("lab", "prod", "mgmt"):
        assert session_for(config.profile(name), None, Overrides(api="2022")).settings.api == "2022"
    assert session_for(config.profile("prod"), None).settings.api == "2020"
    assert session_for(config.profile("lab"), None).settings.api == "auto"


def test_the_concurrency_option_holds_for_every_profile_switched_to(tmp_path: Path) -> None:
    """--concurrency overrides a profile's own concurrency, for every profile; without it a
    profile's own, or 4."""
    text = GOOD.replace('username = "noc"\nread_only', 'username = "noc"\nconcurrency = 2\nread_only')
    config = load_config(write(tmp_path, text))
    assert config is not None and config.profile("prod").concurrency == 2
    for name in ("lab", "prod", "mgmt"):
        assert session_for(config.profile(name), None, Overrides(concurrency=9)).concurrency == 9
    assert session_for(config.profile("prod"), None).concurrency == 2
    assert session_for(config.profile("lab"), None).concurrency == 4
    given = namespace(demo=True, concurrency=argument_parser().parse_args(
        ["--concurrency", "16"]).concurrency)
    assert plan(given).concurrency == 16


@pytest.mark.parametrize(("count", "problem"), [
    ("0", "must be between 1 and 16"), ("17", "must be between 1 and 16"), ("four", "must be a whole number"),
])
def test_a_concurrency_is_1_to_16(count: str, problem: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        argument_parser().parse_args(["--concurrency", count])
    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith(f"argument --concurrency: {problem}, not {count!r}\n")
