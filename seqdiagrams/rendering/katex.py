"""KaTeX at build time, inside Python: the official KaTeX build running in an embedded V8.

One engine per thread (V8 isolates are not shared across threads), created on first use
and reused for every formula, so there is no Node process at run time and no process per
formula. Output is KaTeX's own HTML+MathML, byte-identical to Node KaTeX of the same
version. A LaTeX error becomes a :class:`KatexError` carrying KaTeX's message.
"""

from __future__ import annotations

import threading
from functools import cache

from seqdiagrams.assets import vendor_file

_LOCAL = threading.local()


class KatexError(ValueError):
    """KaTeX could not parse a formula; the message is KaTeX's own."""


@cache
def katex_source() -> str:
    return vendor_file("katex/katex.min.js").read_text(encoding="utf-8")


@cache
def katex_version() -> str:
    """The vendored KaTeX version (part of cache keys)."""
    return str(_engine().eval("katex.version"))


def _engine():  # noqa: ANN202 - py_mini_racer is imported lazily and untyped
    engine = getattr(_LOCAL, "engine", None)
    if engine is None:
        from py_mini_racer import MiniRacer

        engine = MiniRacer()
        engine.eval(katex_source())
        _LOCAL.engine = engine
    return engine


def render_math(latex: str, display: bool) -> str:
    """KaTeX HTML+MathML for ``latex`` (``display`` for block formulas)."""
    from py_mini_racer import JSEvalException

    options = {"displayMode": display, "output": "htmlAndMathml", "throwOnError": True, "strict": "ignore",
               "trust": False, "maxSize": 50, "maxExpand": 1000}
    try:
        return str(_engine().call("katex.renderToString", latex, options))
    except JSEvalException as exc:
        message = str(exc).splitlines()[0].split("ParseError: ", 1)[-1]
        raise KatexError(message) from None
