"""Reading XML-RPC answers in the form switches write them, a member at a time, with regular expressions.

``xmlrpc.client``'s unmarshaller runs Python code for every element and
every piece of text: about 236 calls for one trunk, so a 50,000-trunk list
spends most of its time in those calls rather than in parsing. Switches
write answers in one plain form: an XML declaration, the XML-RPC elements
without attributes, whitespace between them, text escaped with the five
named entities. ``Scanner`` reads that form with regular expressions that
take a whole member, or a whole trunk, in one step, which is several times
faster.

Anything outside the form (a comment, CDATA, a character reference, an
attribute, a carriage return, another encoding, a type such as base64, a
value the form's conversions would read differently) raises ``Unusual``
at the last boundary between values read. The caller then hands the rest
to the general decoder, which continues from exactly there (see
``continuation``), so the answer decodes to what ``xmlrpc.client`` would
make of it, and is refused for what it would refuse.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

_WS = rb"[ \t\n\r]*"
_TYPED = rb"string|int|i4|i8|boolean|double|nil"
_SCALAR = (rb"<value>(?:" + _WS + rb"(?:<(?P<typed>" + _TYPED + rb")>([^<]*)</(?P=typed)>|<(string|nil)/>)" + _WS
           + rb"|([^<]*))</value>")
_MEMBER = _WS + rb"<member>" + _WS + rb"<name>([^<]*)</name>" + _WS + _SCALAR + _WS + rb"</member>"


def _without_groups(pattern: bytes) -> bytes:
    """``pattern`` with its groups made non-capturing, but for the type, which its own closing tag must name."""
    return re.sub(rb"\((?!\?)", b"(?:", pattern)


_MEMBERS = _without_groups(_MEMBER)
_PARENT_CLOSES = {
    "struct": _WS + rb"</member>",
    "array": b"",
    None: _WS + rb"</param>" + _WS + rb"</params>" + _WS + rb"</methodResponse>",
}

_PROLOG = re.compile(
    rb"(?:<\?xml version=(['\"])1\.0\1(?: encoding=(['\"])(?i:utf-8)\2)?\?>)?" + _WS
    + rb"<methodResponse>" + _WS + rb"<params>" + _WS + rb"<param>" + _WS + rb"<value>" + _WS
    + rb"(?:<(struct)>|<(array)>" + _WS + rb"<data>)"
)
_MEMBER_RUN = re.compile(rb"(?:" + _MEMBERS + rb")+")
_MEMBER_ITEMS = re.compile(_MEMBER.decode())
_MEMBER_OPENS = re.compile(
    _WS + rb"<member>" + _WS + rb"<name>([^<]*)</name>" + _WS + rb"<value>" + _WS
    + rb"(?:<(struct)>|<(array)>" + _WS + rb"<data>)"
)
_STRUCT_ITEM = re.compile(
    _WS + rb"<value>" + _WS + rb"<struct>((?:" + _MEMBERS + rb")*)" + _WS + rb"</struct>" + _WS + rb"</value>"
)
_SCALAR_RUN = re.compile(rb"(?:" + _WS + _without_groups(_SCALAR) + rb")+")
_SCALAR_ITEMS = re.compile((_WS + _SCALAR).decode())
_VALUE_OPENS = re.compile(_WS + rb"<value>" + _WS + rb"(?:<(struct)>|<(array)>" + _WS + rb"<data>)")
_CLOSES = {
    (kind, parent): re.compile(_WS + closing + _WS + rb"</value>" + _PARENT_CLOSES[parent])
    for kind, closing in (("struct", rb"</struct>"), ("array", rb"</data>" + _WS + rb"</array>"))
    for parent in _PARENT_CLOSES
}
_ONLY_SPACE = re.compile(_WS)
_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_CONTROLS = bytes(set(range(256)) - set(range(0x20)) | {0x09, 0x0a, 0x0d})
_UNUSUAL_TEXT = ((b"&", b"&#"), (b"!", b"<!"), (b"?", b"<?"), (b"]", b"]]>"), (b"\xbf", b"\xef\xbf\xbe"),
                 (b"\xbf", b"\xef\xbf\xbf"))
"""What the form never holds past its declaration, besides control characters: character references, comments,
CDATA and declarations, processing instructions, the end of a CDATA section outside one, and the characters U+FFFE
and U+FFFF, which XML forbids; each with a byte it holds that is rare in answers, looked for first because
looking for one byte is much faster."""
_MOST_TAGS = 12
"""More ``>`` than this after a place where nothing matched means the text there is not in the form, rather than
incomplete: no step of the form holds as many tags, except where text holds ``>`` too."""
_LONGEST_STEP = 1 << 20
"""Bytes of one step not yet complete, at most: a longer value is unusual, and would be matched again from its
start with every piece that arrives, so the general decoder, which reads on from where it is, takes it."""
_ENTITY = re.compile(r"&([a-z]*);?")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_BOOLEANS = {"0": False, "1": True}
_CONVERSIONS: dict[str, Callable[[str], Any]] = {
    "int": int, "i4": int, "i8": int, "double": float, "boolean": _BOOLEANS.__getitem__, "nil": lambda _: None,
}
"""How ``xmlrpc.client`` reads each type but string, from the same text."""
_OPENS = {"struct": b"<struct>", "array": b"<array><data>"}


class Unusual(Exception):
    """The text at the scanner's position is not in the form it reads; the general decoder must go on from there."""


def _first_unusual(buffer: bytes, start: int) -> int:
    """Where the first text the form never holds starts in ``buffer`` from ``start``; its length if none does."""
    found = [len(buffer)]
    if buffer[start:].translate(None, _NOT_CONTROLS) and (control := _CONTROLS.search(buffer, start)):
        found.append(control.start())
    for rare, unusual in _UNUSUAL_TEXT:
        if buffer.find(rare, start) >= 0 and (at := buffer.find(unusual, start)) >= 0:
            found.append(at)
    return min(found)


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Unusual from None


def _unescaped(text: str) -> str:
    """``text`` as XML reads it: line ends made newlines, the five named entities replaced."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        return _ENTITY.sub(_entity, text)
    return text


def _entity(match: re.Match[str]) -> str:
    if not match.group(0).endswith(";") or match.group(1) not in _ENTITIES:
        raise Unusual
    return _ENTITIES[match.group(1)]


def _scalars(text: str, pattern: re.Pattern[str]) -> list[tuple[str, ...]]:
    """The groups of each scalar ``pattern`` finds in ``text``, unescaped where the text needs it."""
    found: list[tuple[str, ...]] = pattern.findall(text)
    if "&" in text or "\r" in text:
        return [tuple(map(_unescaped, groups)) for groups in found]
    return found


def _scalar(typed: str, text: str, empty: str, plain: str) -> Any:
    """One value as ``xmlrpc.client`` reads it, or ``Unusual`` where it would refuse it (and say why)."""
    if typed == "string":
        return text
    if typed:
        try:
            return _CONVERSIONS[typed](text)
        except (KeyError, ValueError):
            raise Unusual from None
    if empty:
        return None if empty == "nil" else ""
    return plain


def _advanced(line: int, chars: int, text: bytes) -> tuple[int, int]:
    """The line and column reached from ``line``, column ``chars`` by ``text``, which ends between characters.

    Lines end as XML ends them: at a newline, a carriage return, or both together.
    """
    last = max(text.rfind(b"\n"), text.rfind(b"\r"))
    if last < 0:
        return line, chars + len(text.decode("utf-8", "replace"))
    breaks = text.count(b"\n") + text.count(b"\r") - text.count(b"\r\n")
    return line + breaks, len(text[last + 1:].decode("utf-8", "replace"))


class _Frame:
    """An array or struct that is open at the scanner's position: what it holds so far."""

    __slots__ = ("items", "kind", "pending")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.items: Any = {} if kind == "struct" else []
        self.pending: str | None = None
        """In a struct, the name of the member whose value is the frame above this one."""


class Scanner:
    """Reads an answer in the plain form as it arrives, keeping only the text of the step not yet complete.

    ``values`` counts ``<value>`` elements read, as the general decoder
    does; ``text`` counts the characters of every string and name, for the
    caller to hold to its limit. A value or a nesting past the limits given
    is left to the general decoder (``Unusual``), which refuses it.
    ``streamed`` names a member of the answer's struct whose array items
    ``take`` hands over as each is complete.
    """

    def __init__(self, streamed: str | None, max_depth: int, max_values: int) -> None:
        self.max_depth = max_depth
        self.max_values = max_values
        self.values = 0
        self.text = 0
        self.frames: list[_Frame] = []
        self.result: dict[str, Any] | list[Any] | None = None
        self.streamed = streamed
        self.streamed_items: list[Any] | None = None
        """The streamed array, once it opens: the very list the answer's struct holds, if it is read here."""
        self.taken = 0
        self._buffer = b""
        self._position = 0
        self._line = 1
        self._line_chars = 0

    @property
    def pending(self) -> int:
        """Bytes received and not yet read: the step that is not complete, or not yet looked at."""
        return len(self._buffer) - self._position

    def feed(self, chunk: bytes) -> None:
        """Read every complete step of ``chunk`` and what came before it; raise ``Unusual`` where the form ends."""
        checked = len(self._buffer) - self._position
        self._keep_unread(chunk)
        if not self.frames and self.result is None:
            if (match := _PROLOG.match(self._buffer)) is None:
                if self._buffer.count(b">") > _MOST_TAGS:
                    raise Unusual
                return
            self.frames.append(_Frame("struct" if match.group(3) else "array"))
            self._position = checked = match.end()
        end = _first_unusual(self._buffer, max(checked - 2, self._position))
        self._read(end)
        if (end < len(self._buffer) or self.pending > _LONGEST_STEP
                or self._buffer.count(b">", self._position, end) > _MOST_TAGS):
            raise Unusual

    def close(self) -> dict[str, Any] | list[Any]:
        """The answer's struct (an array, for ``system.`` methods); ``Unusual`` if the text ends anywhere but
        after the whole answer."""
        if self.result is None or self._position < len(self._buffer):
            raise Unusual
        return self.result

    def take(self) -> list[Any]:
        """The items of the streamed array completed since the last call."""
        if self.streamed_items is None or self.taken == len(self.streamed_items):
            return []
        taken, self.taken = self.taken, len(self.streamed_items)
        return self.streamed_items[taken:]

    @property
    def unread(self) -> bytes:
        """What was received and not read, for the general decoder to go on with."""
        return self._buffer[self._position:]

    def where(self) -> tuple[int, int]:
        """The line (from 1) and column (in characters, from 0) of the first byte not read."""
        return _advanced(self._line, self._line_chars, self._buffer[:self._position])

    def continuation(self, token: str) -> bytes:
        """The start tags that put the general decoder where the scanner stands.

        Each struct's pending member is named ``token``, which the caller
        picks at random, so that the part the general decoder builds of
        it can be told from the members that follow it; see ``merge``.
        """
        if self.result is not None:
            return b"<methodResponse><params></params></methodResponse>"
        opened = [b"<methodResponse><params><param><value>"]
        parent: _Frame | None = None
        for frame in self.frames:
            if parent is not None:
                opened.append(b"<member><name>%s</name><value>" % token.encode() if parent.kind == "struct"
                              else b"<value>")
            opened.append(_OPENS[frame.kind])
            parent = frame
        return b"".join(opened)

    def merge(self, rest: tuple[Any, ...], token: str) -> tuple[Any, ...]:
        """What the whole answer decodes to, given what the general decoder made of ``continuation`` and the rest.

        Each open array is extended in place, so items ``take`` handed over
        stay the items of the answer.
        """
        if self.result is not None:
            return (self.result, *rest)
        top, *after = rest
        self._merged(0, top, token)
        return (self.frames[0].items, *after)

    def _merged(self, depth: int, rest: Any, token: str) -> None:
        frame = self.frames[depth]
        deeper = depth + 1 < len(self.frames)
        if frame.kind == "struct":
            if deeper:
                self._merged(depth + 1, rest.pop(token), token)
                frame.items[frame.pending] = self.frames[depth + 1].items
            frame.items.update(rest)
        else:
            if deeper:
                self._merged(depth + 1, rest[0], token)
                frame.items.append(self.frames[depth + 1].items)
                rest = rest[1:]
            frame.items.extend(rest)

    def _keep_unread(self, chunk: bytes) -> None:
        if self._position:
            self._line, self._line_chars = _advanced(self._line, self._line_chars, self._buffer[:self._position])
        self._buffer = self._buffer[self._position:] + chunk
        self._position = 0

    def _read(self, end: int) -> None:
        buffer = self._buffer
        while self.result is None:
            if not (self._struct_step(buffer, end) if self.frames[-1].kind == "struct"
                    else self._array_step(buffer, end)):
                return
        match = _ONLY_SPACE.match(buffer, self._position, end)
        assert match is not None
        self._position = match.end()

    def _struct_step(self, buffer: bytes, end: int) -> bool:
        frame, position = self.frames[-1], self._position
        if (match := _MEMBER_RUN.match(buffer, position, end)) is not None:
            frame.items.update(self._members(buffer[position:match.end()], 0))
        elif (match := _MEMBER_OPENS.match(buffer, position, end)) is not None:
            name = sys.intern(_unescaped(_decoded(match.group(1))))
            self.text += len(name)
            frame.pending = name
            self._open(match.group(2) or match.group(3))
        elif (match := self._closing(buffer, position, end)) is None:
            return False
        self._position = match.end()
        return True

    def _array_step(self, buffer: bytes, end: int) -> bool:
        frame, position = self.frames[-1], self._position
        if (match := _STRUCT_ITEM.match(buffer, position, end)) is not None:
            members = self._members(match.group(1), 1)
            frame.items.append(members)
        elif (match := _SCALAR_RUN.match(buffer, position, end)) is not None:
            groups = _scalars(_decoded(buffer[position:match.end()]), _SCALAR_ITEMS)
            found = [_scalar(*scalar) for scalar in groups]
            self._count(len(found))
            self.text += sum(len(text) + len(plain) for _, text, _, plain in groups)
            frame.items.extend(found)
        elif (match := _VALUE_OPENS.match(buffer, position, end)) is not None:
            self._open(match.group(1) or match.group(2))
        elif (match := self._closing(buffer, position, end)) is None:
            return False
        self._position = match.end()
        return True

    def _members(self, run: bytes, struct: int) -> dict[str, Any]:
        """The members of ``run`` (and ``struct``, 1 or 0, the struct they make up, in the count of values).

        Their names are shared: a list repeats the same few names for every
        trunk, and as separate objects they would take about as much memory
        as the values.
        """
        intern = sys.intern
        groups = _scalars(_decoded(run), _MEMBER_ITEMS)
        members = {intern(name): text if typed == "string" else _scalar(typed, text, empty, plain)
                   for name, typed, text, empty, plain in groups}
        self._count(len(groups) + struct)
        self.text += sum([len(text) + len(plain) for _, _, text, _, plain in groups])
        return members

    def _count(self, values: int) -> None:
        """Count ``values`` more, or leave them to the general decoder, which refuses the one past the limit."""
        if self.values + values > self.max_values:
            raise Unusual
        self.values += values

    def _open(self, kind: bytes) -> None:
        """Open an array or struct; one past the limit is left to the general decoder, which refuses it."""
        if len(self.frames) >= self.max_depth:
            raise Unusual
        frame = _Frame(kind.decode())
        self.frames.append(frame)
        if (len(self.frames) == 2 and self.streamed_items is None and self.streamed is not None
                and frame.kind == "array" and self.frames[0].pending == self.streamed):
            self.streamed_items = frame.items

    def _closing(self, buffer: bytes, position: int, end: int) -> re.Match[bytes] | None:
        frame = self.frames[-1]
        parent = self.frames[-2].kind if len(self.frames) > 1 else None
        match = _CLOSES[frame.kind, parent].match(buffer, position, end)
        if match is None:
            return None
        self._count(1)
        self.frames.pop()
        if parent is None:
            self.result = frame.items
        elif parent == "struct":
            owner = self.frames[-1]
            owner.items[owner.pending] = frame.items
            owner.pending = None
        else:
            self.frames[-1].items.append(frame.items)
        return match
