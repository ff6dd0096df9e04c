"""KaTeX at build time, inside Python: the official KaTeX build running in an embedded V8.

One engine per thread and per process (V8 isolates are not shared across threads, and an
engine inherited through ``fork`` is dead: its event-loop and isolate threads stayed in the
parent), created on first use and reused for every formula, so there is no Node process at
run time and no process per formula. Output is KaTeX's own HTML+MathML, byte-identical to
Node KaTeX of the same version with the same :data:`OPTIONS`. A LaTeX error becomes a
:class:`KatexError` carrying KaTeX's message.

Each call into the engine costs a thread hop (~0.1 ms) on top of the rendering itself, so
callers that have several formulas (a formula section, a page) pass them to
:func:`render_many`, which renders every formula it has not seen before in one call. Rendered
formulas are memoised in-process in a bounded in-memory :class:`~seqdiagrams.rendering.cache.DiskCache`
(least recently used dropped first) and, given a cache with a folder, on disk under the kind
``katex``; both are keyed by the formula, the display mode, the options and the KaTeX version
(:func:`formula_identity`).
"""

from __future__ import annotations

import html
import json
import os
import re
import threading
import weakref
from functools import cache
from typing import TYPE_CHECKING, Any

from seqdiagrams.assets import vendor_file
from seqdiagrams.errors import Location, SpecError, Subtype
from seqdiagrams.rendering.cache import DiskCache

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

OPTIONS: dict[str, Any] = {"output": "htmlAndMathml", "throwOnError": True, "strict": "ignore", "trust": False,
                           "maxSize": 50, "maxExpand": 1000}
"""KaTeX options of every rendering (plus ``displayMode``); the Node comparisons use exactly these."""
MAX_LATEX = 20_000
"""Longest formula accepted, in characters (a page's math is user input)."""
MEMO_BYTES = 16 * 1024 * 1024
"""Bytes of rendered formulas kept in memory per process (a formula's HTML+MathML is 1–10 kB)."""
BATCH = 256
"""Most formulas sent to the engine in one call."""

_LOCAL = threading.local()
_ORPHANS: list[Any] = []
"""Engines inherited from a parent process: kept referenced, never closed (closing would wait on threads that
only exist in the parent)."""
_MEMO = DiskCache(memory_bytes=MEMO_BYTES)
_ERROR = "\u0000"
"""Prefix the JavaScript side puts before an error message instead of throwing."""
_SETUP = """
var __sqd_options = [Object.assign({displayMode: false}, %(options)s), Object.assign({displayMode: true}, %(options)s)];
function __sqd_one(latex, display) {
  try { return katex.renderToString(latex, __sqd_options[display ? 1 : 0]); }
  catch (error) { return "\\u0000" + String(error && error.message || error); }
}
function __sqd_many(items) {
  var out = [];
  for (var i = 0; i < items.length; i++) out.push(__sqd_one(items[i][0], items[i][1]));
  var joined = out.join("\u0001");
  return joined.split("\u0001").length === out.length ? "S" + joined : "J" + JSON.stringify(out);
}
"""
_SEPARATOR = "\u0001"
"""Between the formulas of one batch (``S`` mode); a batch whose output holds it comes back as JSON (``J``)."""


class KatexError(ValueError):
    """KaTeX could not typeset a formula; the message is KaTeX's own (``KaTeX parse error:`` removed)."""


@cache
def katex_source() -> str:
    return vendor_file("katex/katex.min.js").read_text(encoding="utf-8")


@cache
def katex_version() -> str:
    """The vendored KaTeX version (part of cache keys), read from the build without starting an engine."""
    found = re.search(r'\{version:"([0-9][^"]*)"', katex_source())
    return found.group(1) if found else str(_engine().eval("katex.version"))


def formula_identity(latex: str, display: bool) -> str:
    """Everything a rendered formula depends on: the key of its cache entries."""
    return "\0".join(("katex", katex_version(), _OPTIONS_KEY, str(int(display)), latex))


_OPTIONS_KEY = json.dumps(OPTIONS, sort_keys=True)


class _Engine:
    """A V8 context with KaTeX loaded, driven from the thread that made it.

    mini-racer delivers results through an asyncio loop; by default that loop runs in a thread of
    its own, and every call pays two extra thread switches (~0.1 ms). Here the context is bound to
    a loop owned by this thread and each call runs it just for that call, so a result comes straight
    back to the caller. In a thread that is running an asyncio loop (an async host) the context is
    bound to that loop instead, which mini-racer also answers synchronously.
    """

    def __init__(self) -> None:
        import asyncio

        try:
            from py_mini_racer import init_mini_racer, mini_racer
        except ImportError:
            raise SpecError.at(Subtype.MISSING, "rendering formulas needs the `mini-racer` package", Location(),
                               "pip install mini-racer") from None
        init_mini_racer(flags=V8_FLAGS, ignore_duplicate_init=True)
        self.host_loop = _running_loop()
        self.own_loop = self.host_loop is None
        self.loop = asyncio.new_event_loop() if self.own_loop else None
        self.context = mini_racer(self.loop)
        self.racer = self._run(self._enter) if self.own_loop else self.context.__enter__()
        # torn down when the thread's engine goes away, or at exit while threads still run (never by another process)
        self.close = weakref.finalize(self, _shutdown, os.getpid(), self.context, self.loop)
        self.eval(katex_source())
        self.eval(_SETUP % {"options": json.dumps(OPTIONS)})

    async def _enter(self) -> Any:
        return self.context.__enter__()

    def _run(self, make: Any, *args: Any) -> Any:
        assert self.loop is not None
        return self.loop.run_until_complete(make(*args))

    async def _eval(self, code: str) -> Any:
        return self.racer.eval(code)

    def eval(self, code: str) -> Any:
        return self._run(self._eval, code) if self.own_loop else self.racer.eval(code)


def _shutdown(pid: int, context: Any, loop: Any) -> None:
    if pid == os.getpid():
        context.__exit__(None, None, None)
        if loop is not None:
            loop.close()


V8_FLAGS = ("--single-threaded", "--min-semi-space-size=32", "--max-semi-space-size=32")
"""mini-racer's default (no V8 background threads: safe across ``fork``) and a young generation that starts at
its full size: KaTeX allocates a lot of short-lived objects (about 20 % faster). Ignored when something else in
the process started V8 first."""


def _running_loop() -> Any:
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _engine() -> _Engine:
    """This thread's engine in this process, created (and KaTeX loaded into it) on first use."""
    engine: _Engine | None = getattr(_LOCAL, "engine", None)
    if engine is not None and _LOCAL.pid == os.getpid() and engine.host_loop is _running_loop():
        return engine
    if engine is not None and _LOCAL.pid != os.getpid():
        _ORPHANS.append(engine)  # inherited through fork: unusable here
    engine = _Engine()
    _LOCAL.engine, _LOCAL.pid = engine, os.getpid()
    return engine


def render_math(latex: str, display: bool) -> str:
    """KaTeX HTML+MathML for ``latex`` (``display`` for block formulas); raises :class:`KatexError`."""
    result = render_many([(latex, display)])[0]
    if isinstance(result, KatexError):
        raise result
    return result


def render_many(items: Sequence[tuple[str, bool]], cache: DiskCache | None = None,
                memo: bool = True) -> list[str | KatexError]:
    """Each ``(latex, display)`` rendered, in order: the HTML, or the :class:`KatexError` it raised.

    Formulas found in memory (``memo``) or in ``cache`` cost nothing; all the others are rendered
    in one engine call per :data:`BATCH` formulas, then remembered (errors are not: they are cheap).
    """
    results: list[str | KatexError | None] = [None] * len(items)
    todo: dict[tuple[bool, str], list[int]] = {}
    for index, (latex, display) in enumerate(items):
        identity = formula_identity(latex, display)
        entry = _MEMO.peek(identity, "katex") if memo else None
        if entry is None and cache is not None:
            entry = cache.peek(identity, "katex")
            if entry is not None and memo:
                _MEMO.put(identity, "katex", entry)
        elif entry is not None and cache is not None and not cache.contains(identity, "katex"):
            cache.put(identity, "katex", entry)  # known to this process, new to this site's cache
        if entry is not None:
            results[index] = _unframe(entry)
        else:
            todo.setdefault((bool(display), latex), []).append(index)
    keys = list(todo)
    for start in range(0, len(keys), BATCH):
        chunk = keys[start:start + BATCH]
        for (display, latex), output in zip(chunk, _render_batch(chunk), strict=True):
            if isinstance(output, str):
                identity = formula_identity(latex, display)
                for store in (_MEMO if memo else None, cache):
                    if store is not None:
                        store.put(identity, "katex", _frame(output))
            for index in todo[(display, latex)]:
                results[index] = output
    return results  # type: ignore[return-value]


def _render_batch(keys: Sequence[tuple[bool, str]]) -> list[str | KatexError]:
    """One engine call for ``keys`` (too-long formulas are refused without reaching the engine)."""
    sendable = [(latex, display) for display, latex in keys if len(latex) <= MAX_LATEX]
    rendered: Iterable[str] = ()
    if len(sendable) == 1:  # one formula: no list to pack or unpack
        rendered = [str(_engine().eval(f"__sqd_one({json.dumps(sendable[0][0])}, {json.dumps(sendable[0][1])})"))]
    elif sendable:  # joining is cheaper than JSON for ~100 kB of HTML; JSON only if a formula holds the separator
        packed = str(_engine().eval(f"__sqd_many({json.dumps(sendable)})"))
        rendered = packed[1:].split(_SEPARATOR) if packed[0] == "S" else json.loads(packed[1:])
    outputs = iter(rendered)
    out: list[str | KatexError] = []
    for _, latex in keys:
        if len(latex) > MAX_LATEX:
            out.append(KatexError(f"the formula is longer than {MAX_LATEX} characters"))
            continue
        html = next(outputs)
        out.append(KatexError(_message(html[1:])) if html.startswith(_ERROR) else html)
    return out


def _message(text: str) -> str:
    return text.removeprefix("KaTeX parse error: ").strip()


def _frame(html: str) -> bytes:
    """A cache entry: the HTML and a newline (KaTeX output has none after its last ``</span>``)."""
    return (html + "\n").encode()


def _unframe(entry: bytes) -> str:
    return entry.decode()[:-1]


def error_html(latex: str, message: str) -> str:
    """What a page shows for a formula KaTeX rejected: its LaTeX in red, the reason on hover (KaTeX's own
    ``throwOnError: false`` look), both escaped."""
    return (f'<span class="katex-error" title="{html.escape(message)}" style="color:#cc0000">'
            f"{html.escape(latex, quote=False)}</span>")
