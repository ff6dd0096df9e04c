"""What a block becomes where its HTML figure cannot go: a figure file, LaTeX math, a table, text.

A host that lays out pages itself (a LaTeX document) or writes plain text (text, manual pages) cannot
inline the finished ``<figure>``. :func:`plain_output` decides, from the subject's capabilities and the
kind of document alone, which stand-in a block gets, so every such host agrees and none of them holds
per-subject rules; the host only turns the answer into its own document nodes and files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

from seqdiagrams.rendering import build_graph, code_stamp, id_prefix, render_spec
from seqdiagrams.rendering.dot import emit
from seqdiagrams.rendering.engine import graphviz_version, layout
from seqdiagrams.subjects import TextTable, get_subject
from seqdiagrams.subjects.table import text_table as table_rows
from seqdiagrams.subjects.timeline import text_table as timeline_rows

if TYPE_CHECKING:
    from collections.abc import Callable

    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

Document = Literal["latex", "text"]
"""``latex``: a typeset document that includes figure files and takes LaTeX; ``text``: plain text only."""

TEXT_TABLES: dict[str, Callable[[Spec, Registry], TextTable]] = {"table": table_rows, "timeline": timeline_rows}
"""Subjects whose content reads as a table where no HTML goes (a timeline's events, a table's cells)."""


@dataclass(frozen=True)
class Graphic:
    """A figure file to include: ``name`` is content-addressed (``seqarch-<hash>.pdf|png``), so parallel
    writers and rebuilds agree on it and a file already there is reused; ``produce`` makes its bytes."""

    name: str
    produce: Callable[[], bytes]


@dataclass(frozen=True)
class Math:
    """A formula section as LaTeX (``equation`` environments around the registry LaTeX) and its title."""

    latex: str
    caption: str


@dataclass(frozen=True)
class Verbatim:
    """The subject's Markdown rendering, shown as preformatted text."""

    text: str


@dataclass(frozen=True)
class Alt:
    """A one-line description, ``[diagram: …]``, in the block's language."""

    text: str


Plain: TypeAlias = Graphic | Math | TextTable | Verbatim | Alt


def plain_output(spec: Spec, registry: Registry, document: Document, ordinal: int = 0) -> Plain:
    """The stand-in for ``spec`` in a ``document``; raises the block's located :class:`SpecError`.

    In LaTeX a diagram is a vector PDF laid out from its DOT and a plot its PNG; a formula section is
    real LaTeX math. Otherwise a subject with a text table is that table, a diagram its title, and a
    subject with a Markdown rendering that text; anything else its title, caption or description.
    """
    subject = get_subject(spec.subject)
    drawn = subject.uses_render(spec)
    if document == "latex" and not drawn:
        dot = emit(build_graph(spec, registry), spec["highlight"])
        return Graphic(_file_name(f"{graphviz_version()}\0{dot}", "pdf"), lambda: layout(dot, "pdf"))
    if document == "latex" and "png" in subject.formats:
        identity = "\0".join((code_stamp(), registry.digest, spec.canonical()))
        return Graphic(_file_name(identity, "png"), lambda: bytes(render_spec(spec, "png", registry)))  # type: ignore[arg-type]
    if document == "latex" and "latex" in subject.formats and subject.render is not None:
        output = subject.render(spec, registry, "latex", id_prefix(spec, ordinal), True)
        return Math(str(output.body), output.caption)
    rows = TEXT_TABLES.get(spec.subject) if drawn else None
    if rows is not None:
        return rows(spec, registry)
    if not drawn:
        return alt_text(registry, spec.lang, build_graph(spec, registry).title)
    if "md" in subject.formats:
        return Verbatim(str(render_spec(spec, "md", registry, ordinal)))
    return alt_text(registry, spec.lang, spec["title"] or spec["caption"] or subject.help)


def alt_text(registry: Registry, lang: str, text: str) -> Alt:
    """``[diagram: text]`` in ``lang``: also what a host shows for a block it could not render."""
    return Alt(registry.label("phrase.figure-text-alt", lang).format(title=text))


def _file_name(identity: str, suffix: str) -> str:
    return f"seqarch-{hashlib.sha256(identity.encode()).hexdigest()[:24]}.{suffix}"
