"""Sphinx extension: ``extensions = ["seqdiagrams.sphinx"]`` (reStructuredText and MyST).

A thin host, like the Markdown extension: the block grammar, validation, rendering and
caching all live in the core; this module only maps them onto Sphinx's phases.

- **Read time** (parallel-safe): the ``seqarch`` directive takes the whole info line as its
  argument (``.. seqarch:: rnn unroll=3``, MyST ``{seqarch}``, and plain ```` ```seqarch ````
  fences: with ``myst_parser`` loaded, ``seqarch`` joins ``myst_fence_as_directive``); its options (every subject key,
  plus ``:name:``) and content become the YAML body, so values go through the one grammar
  and errors read as in Markdown. A valid block becomes a :class:`seqarch` node holding
  plain strings only (wrapped in a numbered figure when it has a caption); a bad one is
  reported as a ``seqdiagrams.<subtype>`` warning at ``(docname, line)`` and replaced by
  a visible error admonition.
- **Write time**: HTML builders inline the finished figure from the content-addressed
  cache; LaTeX gets a PDF named by the hash of its DOT source (so parallel writers and
  rebuilds agree); every other builder, and non-diagram subjects outside HTML, get the
  subject's plain table (timelines: a real table, not an image), its Markdown rendering in
  a literal block, or its alt text. Timelines are HTML drawn at build time: no page runs
  Mermaid.
- **Formulas**: formula sections are KaTeX HTML in HTML builders (pages with KaTeX output, and
  only those, get the vendored KaTeX stylesheet and fonts in ``_static``) and the subject's own
  LaTeX (``equation`` environments around the registry LaTeX) in LaTeX builders. With
  ``seqdiagrams_katex = "page"`` Sphinx's own math is typeset by KaTeX at build time as well,
  one engine call per document.

Config values ``seqdiagrams_<field>`` are generated from
:class:`~seqdiagrams.options.SiteOptions` and validated on ``config-inited``.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import tempfile
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import SphinxError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from seqdiagrams import __version__
from seqdiagrams.errors import Diagnostic, Location, SpecError
from seqdiagrams.options import SiteOptions

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.latex import LaTeXTranslator

    from seqdiagrams.registry import Registry
    from seqdiagrams.rendering.cache import DiskCache
    from seqdiagrams.spec import Spec

logger = logging.getLogger(__name__)

WARNING_TYPE = "seqdiagrams"
ENV_VERSION = 1
"""Bump when the node's attributes change, so pickled environments are read again."""
CSS_FILE = "seqdiagrams.css"
CSS = """\
.sqd-figure{margin:1.2em auto;text-align:center}
.sqd-figure svg{display:block;margin:0 auto}
.sqd-figure figcaption{font-size:.85em;opacity:.8;margin-top:.4em}
figure>.sqd-figure{margin:0 auto}
.sqd-error pre{white-space:pre-wrap}
"""
_FIGCAPTION = re.compile(r"\n?<figcaption>[^<]*</figcaption>")


class SeqdiagramsError(SphinxError):
    """A bad block in a ``seqdiagrams_strict = True`` project."""

    category = "seqdiagrams error"


class seqarch(nodes.General, nodes.Element):
    """A valid block: info string, YAML body, source path, line and ordinal (plain, picklable)."""


# -- read time --------------------------------------------------------------------------------

class _AnyKey(dict[str, Any]):
    """The directive's option spec: every subject key, and any other key too, so that an
    unknown one reaches the grammar and gets its located "did you mean …?" error."""

    def __missing__(self, key: str) -> Any:
        return directives.unchanged


def _option_spec() -> _AnyKey:
    from seqdiagrams.subjects import catalog

    spec = _AnyKey({key: directives.unchanged for subject in catalog().values() for key in subject.params})
    spec["name"] = directives.unchanged
    return spec


class SeqarchDirective(SphinxDirective):
    """``.. seqarch:: <subject> [key=value …]`` with ``:key: value`` options and a YAML body."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = _AnyKey()  # filled in by setup() from the subjects

    def run(self) -> list[nodes.Node]:
        from seqdiagrams.rendering import check_spec, unmatched_highlights

        ordinal = self.env.new_serialno("seqarch")
        config = self.config
        for overlay in config.seqdiagrams_registry:
            self.env.note_dependency(overlay)
        path = str(self.env.doc2path(self.env.docname, False))
        info, body = self.arguments[0], self._body()
        first = self.block_text.split("\n", 1)[0]
        loc = Location(path, self.lineno, first.find(info) + 1 if info in first else 1)
        _count(self.env, blocks=1)
        try:
            spec = _spec(info, body, loc, config)
            check_spec(spec, _registry(config))
            warnings = unmatched_highlights(spec, _registry(config))
        except SpecError as exc:
            _count(self.env, errors=1)
            _report(exc.diagnostic, (self.env.docname, _line(exc.diagnostic, path, self.lineno)), path, config)
            return [_error_node(exc.diagnostic, self)]
        for warning in warnings:  # the figure is still drawn
            _report(warning, (self.env.docname, _line(warning, path, self.lineno)), path, config)
        node = seqarch(info=info, body=body, path=path, line=self.lineno, ordinal=ordinal)
        self.set_source_info(node)
        target: nodes.Element = node
        if spec["caption"]:
            target = nodes.figure("", node, nodes.caption(spec["caption"], spec["caption"]))
            self.set_source_info(target)
        self.add_name(target)
        return [target]

    def _body(self) -> str:
        """Options as YAML lines on the lines they were written, then the content on its own lines."""
        lines = [f"{key}: {json.dumps(_unquote(value), ensure_ascii=False)}"
                 for key, value in self.options.items() if key != "name"]
        if self.content:
            start = self.content_offset - self.lineno  # index of the first content line below the directive
            lines += [""] * max(start - len(lines), 0)
            lines += list(self.content)
        return "\n".join(lines)


def _unquote(value: str | None) -> str:
    """An option value as the info-string grammar reads it: ``"a b"`` and ``'a b'`` lose their quotes."""
    value = (value or "").strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _spec(info: str, body: str, loc: Location, config: Config) -> Spec:
    from seqdiagrams.spec import parse_parts, with_default_lang, with_theme

    spec = parse_parts(info, body, loc, Location(loc.path, loc.line + 1, 1))
    return with_theme(with_default_lang(spec, config.seqdiagrams_lang), config.seqdiagrams_theme)


def _node_spec(node: seqarch, config: Config) -> Spec:
    return _spec(node["info"], node["body"], Location(node["path"], node["line"]), config)


def _line(diagnostic: Diagnostic, path: str, fallback: int) -> int:
    return diagnostic.loc.line if diagnostic.loc.path == path else fallback


def _report(diagnostic: Diagnostic, location: Any, path: str, config: Config) -> None:
    """One bad block: an error (strict), a warning (default: ``-W`` fails) or a note (strict False)."""
    text = diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")
    if diagnostic.loc.path and diagnostic.loc.path != path:
        text += f" [at {diagnostic.loc}]"  # the problem is in another file (a registry overlay)
    subtype = diagnostic.subtype.value
    if not getattr(config, "show_warning_types", False):  # Sphinx >= 8 appends it itself
        text += f" [{WARNING_TYPE}.{subtype}]"
    if config.seqdiagrams_strict:
        raise SeqdiagramsError(f"{diagnostic.loc}: {text}")
    if config.seqdiagrams_strict is False:
        logger.info("%s: %s", diagnostic.loc, text)
        return
    logger.warning(text, location=location, type=WARNING_TYPE, subtype=subtype)


def _error_node(diagnostic: Diagnostic, directive: SphinxDirective) -> nodes.Element:
    """A visible error admonition in place of the block (every builder renders one)."""
    box = nodes.error(classes=["sqd-error"])
    para = nodes.paragraph()
    para += nodes.strong(text=f"seqarch: {diagnostic.message}")
    para += nodes.Text(" — ")
    para += nodes.literal(text=str(diagnostic.loc))
    if diagnostic.hint:
        para += nodes.Text(f" — {diagnostic.hint}")
    source = directive.block_text.rstrip()  # the block as written
    box += [para, nodes.literal_block(source, source, language="none")]
    directive.set_source_info(box)
    return box


# -- per-document state: block counts for the build summary (purged and merged for -j) -------

def _count(env: BuildEnvironment, blocks: int = 0, errors: int = 0) -> None:
    counts = _counts(env)
    old = counts.get(env.docname, (0, 0))
    counts[env.docname] = (old[0] + blocks, old[1] + errors)


def _counts(env: BuildEnvironment) -> dict[str, tuple[int, int]]:
    if not hasattr(env, "seqdiagrams_blocks"):
        env.seqdiagrams_blocks = {}  # type: ignore[attr-defined]
    return env.seqdiagrams_blocks  # type: ignore[attr-defined, no-any-return]


def _purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _counts(env).pop(docname, None)


def _merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = _counts(other)
    _counts(env).update({name: theirs[name] for name in docnames if name in theirs})


# -- write time -------------------------------------------------------------------------------

def _registry(config: Config) -> Registry:
    from seqdiagrams.registry import Registry

    return Registry.load(config.seqdiagrams_registry)  # memoised per overlay content


@cache
def _disk_cache(folder: str) -> DiskCache:
    from seqdiagrams.rendering.cache import DiskCache

    return DiskCache(Path(folder))


def _cache_for(builder: Builder) -> DiskCache:
    folder = builder.config.seqdiagrams_cache_dir or str(Path(builder.doctreedir) / "seqdiagrams")
    return _disk_cache(folder)


def visit_seqarch_html(self: HTML5Translator, node: seqarch) -> None:
    """The finished ``<figure>`` inline (its own caption dropped when Sphinx's figure shows one)."""
    from seqdiagrams.rendering import render_spec
    from seqdiagrams.rendering.html import error_box

    config = self.builder.config
    try:
        spec = _node_spec(node, config)
        html = str(render_spec(spec, "html", _registry(config), node["ordinal"], _cache_for(self.builder)))
    except SpecError as exc:
        _report(exc.diagnostic, node, node["path"], config)
        d = exc.diagnostic
        html = error_box(d.message, str(d.loc), d.hint, f"seqarch {node['info']}\n{node['body']}".rstrip())
    if isinstance(node.parent, nodes.figure):
        html = _FIGCAPTION.sub("", html)
    self.body.append(html)
    raise nodes.SkipNode


def visit_seqarch_latex(self: LaTeXTranslator, node: seqarch) -> None:
    """The block's figure file, included with ``\\sphinxincludegraphics``.

    ``\\sphinxincludegraphics`` is Sphinx's ``\\includegraphics`` that only ever scales down,
    to the line width and text height, as ``sphinx.ext.graphviz`` uses it.
    """
    config = self.builder.config
    try:
        name = _latex_graphic(_node_spec(node, config), _registry(config),
                              Path(self.builder.outdir) / self.builder.imagedir)
    except SpecError as exc:
        _report(exc.diagnostic, node, node["path"], config)
        raise nodes.SkipNode from None
    path = posixpath.join(self.builder.imgpath, name)
    graphic = rf"\sphinxincludegraphics[]{{{path}}}"
    if isinstance(node.parent, nodes.figure):  # the figure environment adds \caption and \label
        self.body.append(f"\n{graphic}\n")
    else:  # no generated caption: it may hold characters (⊙, −) pdflatex cannot typeset
        self.body.append(f"\n\\begin{{center}}\n{graphic}\n\\end{{center}}\n")
    raise nodes.SkipNode


def _latex_graphic(spec: Spec, registry: Registry, folder: Path) -> str:
    """A PDF laid out from the diagram's DOT (vector), or the PNG of a plot, named by content hash."""
    from seqdiagrams.rendering import build_graph, code_stamp, render_spec
    from seqdiagrams.rendering.dot import emit
    from seqdiagrams.rendering.engine import graphviz_version, layout
    from seqdiagrams.subjects import get_subject

    if not get_subject(spec.subject).uses_render(spec):
        dot = emit(build_graph(spec, registry), spec["highlight"])
        return _write_once(folder, "pdf", f"{graphviz_version()}\0{dot}", lambda: layout(dot, "pdf"))
    identity = "\0".join((code_stamp(), registry.digest, spec.canonical()))
    return _write_once(folder, "png", identity, lambda: bytes(render_spec(spec, "png", registry)))  # type: ignore[arg-type]


def _write_once(folder: Path, suffix: str, identity: str, produce: Callable[[], bytes]) -> str:
    """The name of ``folder/seqarch-<hash of identity>.<suffix>``, produced only when it is missing."""
    name = f"seqarch-{hashlib.sha256(identity.encode()).hexdigest()[:24]}.{suffix}"
    target = folder / name
    if not target.is_file():
        data = produce()
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".seqarch-", suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(target)  # atomic: a parallel writer of the same figure writes the same bytes
    return name


def _fallbacks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Outside HTML, blocks with no figure file for the builder become Markdown or alt text.

    Generic over subjects: a diagram or a subject that renders PNG is an image in LaTeX; otherwise
    a subject whose module has a ``text_table`` (timelines) becomes a real table, a subject's ``md``
    rendering (tables) goes into a literal block, and anything else is replaced by its alt text,
    ``[diagram: <title>]``.
    """
    fmt = app.builder.format
    if fmt == "html":
        return
    for node in list(doctree.findall(seqarch)):
        replacement = _fallback(node, fmt, app.config)
        if replacement is not None:
            node.replace_self(replacement)


def _fallback(node: seqarch, fmt: str, config: Config) -> nodes.Element | None:
    from seqdiagrams.rendering import build_graph, render_spec
    from seqdiagrams.subjects import get_subject

    try:
        spec = _node_spec(node, config)
        subject = get_subject(spec.subject)
        if fmt == "latex" and (not subject.uses_render(spec) or "png" in subject.formats):
            return None  # a figure file: visit_seqarch_latex
        if fmt == "latex" and "latex" in subject.formats:
            return _latex_node(spec, node, config)  # formula sections: real LaTeX math, not images
        table = _text_table(spec, _registry(config)) if subject.uses_render(spec) else None
        if not subject.uses_render(spec):
            text = build_graph(spec, _registry(config)).title
        elif table is not None:
            return _table_node(table, node, in_figure=isinstance(node.parent, nodes.figure))
        elif "md" in subject.formats:
            text = str(render_spec(spec, "md", _registry(config), node["ordinal"]))
            block = nodes.literal_block(text, text, language="none")
            block.source, block.line = node.source, node.line
            return block
        else:
            text = spec["title"] or spec["caption"] or subject.help
    except SpecError as exc:
        _report(exc.diagnostic, node, node["path"], config)
        text = node["info"]
    para = nodes.paragraph(classes=["sqd-alt"])
    para += nodes.Text(_registry(config).label("phrase.figure-text-alt", config.seqdiagrams_lang).format(title=text))
    return para


def _latex_node(spec: Spec, node: seqarch, config: Config) -> nodes.Element:
    """The subject's own LaTeX (formula sections: ``equation`` environments around the registry LaTeX),
    under a rubric with its title unless a figure's caption shows one."""
    from seqdiagrams.rendering import id_prefix
    from seqdiagrams.subjects import get_subject

    render = get_subject(spec.subject).render
    assert render is not None
    output = render(spec, _registry(config), "latex", id_prefix(spec, node["ordinal"]), True)
    raw = nodes.raw("", "\n" + str(output.body) + "\\par\\medskip\n", format="latex")
    out = raw if isinstance(node.parent, nodes.figure) else nodes.container(
        "", nodes.rubric(output.caption, output.caption), raw)
    for item in (out, raw):
        item.source, item.line = node.source, node.line
    return out


def _katex_assets(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """On a page with KaTeX output only: KaTeX's stylesheet and fonts, copied from the package into _static."""
    from seqdiagrams.assets import VENDOR
    from seqdiagrams.page_assets import BUNDLES, needed

    if "katex" not in needed(context.get("body", "")):
        return
    stylesheets = BUNDLES["katex"].stylesheets
    fonts = tuple(f"vendor/katex/fonts/{font.name}" for font in sorted((VENDOR / "katex" / "fonts").glob("*")))
    try:
        _copy_static(Path(app.outdir) / "_static" / "seqdiagrams", (*stylesheets, *fonts))
    except SpecError as exc:
        logger.warning("%s (%s)", exc.diagnostic.message, exc.diagnostic.hint, type=WARNING_TYPE, subtype="render")
        return
    for css in stylesheets:
        app.builder.add_css_file(f"seqdiagrams/{css}")  # type: ignore[attr-defined]


def _step_assets(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """On a page with a figure shown in steps only: the step-through script, copied from the package into _static.

    ``add_js_file`` called from ``html-page-context`` adds the script to this page alone."""
    from seqdiagrams.page_assets import BUNDLES, needed

    if "steps" not in needed(context.get("body", "")):
        return
    scripts = BUNDLES["steps"].scripts
    _copy_static(Path(app.outdir) / "_static" / "seqdiagrams", scripts)
    for js in scripts:
        app.add_js_file(f"seqdiagrams/{js}", defer="defer")


def _katex_source(node: nodes.Element) -> tuple[str, bool]:
    """The LaTeX KaTeX gets for a math node (a multi-part ``.. math::`` becomes one ``aligned``) and its mode."""
    display = isinstance(node, nodes.math_block)
    latex = node.astext()
    parts = [part for part in latex.split("\n\n") if part.strip()] if display else [latex]
    if display and len(parts) > 1 and not node.get("nowrap", node.get("no-wrap")):
        latex = "\\begin{aligned}" + "\\\\".join(parts) + "\\end{aligned}"
    return latex, display


def _katex_batch(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``seqdiagrams_katex = "page"``: a document's math typeset in one engine call before it is written (the
    HTML is kept on the nodes as plain strings, so parallel writers receive it with the doctree)."""
    if app.builder.format != "html" or app.config.seqdiagrams_katex != "page":
        return
    from seqdiagrams.rendering.katex import render_many

    found = [node for node in doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))]
    if not found:
        return
    try:
        results = render_many([_katex_source(node) for node in found], _cache_for(app.builder))
    except SpecError as exc:
        d = exc.diagnostic
        logger.warning("%s (%s)", d.message, d.hint, type=WARNING_TYPE, subtype="render")
        return
    for node, result in zip(found, results, strict=True):
        node["sqd_katex" if isinstance(result, str) else "sqd_katex_error"] = str(result)


def _katex_math(self: HTML5Translator, node: nodes.Element, display: bool) -> None:
    """``seqdiagrams_katex = "page"``: Sphinx's own math (``:math:``, ``.. math::``, MyST ``$…$``) as KaTeX."""
    import html

    from seqdiagrams.rendering.katex import render_many

    latex, _ = _katex_source(node)
    result: str | Exception
    if "sqd_katex" in node or "sqd_katex_error" in node:  # typeset with the rest of the document
        result = node["sqd_katex"] if "sqd_katex" in node else ValueError(node["sqd_katex_error"])
    else:
        try:
            result = render_many([(latex, display)], _cache_for(self.builder))[0]
        except SpecError as exc:
            result = exc
    if isinstance(result, str):
        body = result
    else:
        message = " ".join(str(result).split())
        logger.warning("KaTeX cannot typeset the formula: %s", message, location=node, type=WARNING_TYPE,
                       subtype="render")
        body = (f'<span class="katex-error" title="{html.escape(message)}" style="color:#cc0000">'
                f"{html.escape(latex, quote=False)}</span>")
    if not display:
        self.body.append(f'<span class="math notranslate nohighlight">{body}</span>')
        raise nodes.SkipNode
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node.get("number"):
        from sphinx.util.math import get_node_equation_number

        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        words = _registry(self.builder.config).label("phrase.equation-permalink", self.builder.config.seqdiagrams_lang)
        self.add_permalink_ref(node, words)
        self.body.append("</span>")
    self.body.append(body + "</div>\n")
    raise nodes.SkipNode


def _text_table(spec: Spec, registry: Registry) -> Any:
    """The subject's content as a plain table (``text_table`` of its module), or None when it has none."""
    from importlib import import_module

    from seqdiagrams.subjects import module_of

    text_table = getattr(import_module(module_of(spec.subject)), "text_table", None)
    return None if text_table is None else text_table(spec, registry)


def _table_node(table: Any, node: seqarch, in_figure: bool) -> nodes.table:
    """A docutils table (real LaTeX, not an image): a 1-cell row heads a group and spans every column."""
    width = len(table.headers)
    # colwidths-given: LaTeX columns of these relative widths that wrap; a longtable cannot float in a figure
    out = nodes.table(classes=["colwidths-given"] if in_figure else ["longtable", "colwidths-given"])
    if not in_figure:  # in a figure, the figure's caption is the title
        out += nodes.title(table.caption, table.caption)
    group = nodes.tgroup(cols=width)
    out += group
    group += [nodes.colspec(colwidth=w) for w in table.widths]
    head, body = nodes.thead(), nodes.tbody()
    head += _table_row(table.headers, width)
    body += [_table_row(row, width) for row in table.rows]
    group += [head, body]
    out.source, out.line = node.source, node.line
    return out


def _table_row(cells: tuple[str, ...], width: int) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry(morecols=width - 1) if len(cells) == 1 else nodes.entry()
        para = nodes.paragraph()
        para += nodes.strong(text=cell) if len(cells) == 1 else nodes.Text(cell)
        entry += para
        row += entry
    return row


def _copy_static(target: Path, files: tuple[str, ...]) -> None:
    """Copy packaged static ``files`` under ``target`` unless already there (parallel writers: atomic renames)."""
    from seqdiagrams.assets import VENDOR, vendor_file

    static = VENDOR.parent
    for relative in files:
        source = vendor_file(relative.removeprefix("vendor/")) if relative.startswith("vendor/") else static / relative
        destination = target / relative
        if destination.is_file() and destination.stat().st_size == source.stat().st_size:
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=destination.parent, prefix=".seqarch-", suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(source.read_bytes())
        Path(tmp).replace(destination)


def _write_css(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        from seqdiagrams.rendering.svg import STYLESHEET
        from seqdiagrams.subjects.formulas import STYLESHEET as FORMULAS_STYLESHEET

        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        (static / CSS_FILE).write_text(CSS + STYLESHEET + "\n" + FORMULAS_STYLESHEET, encoding="utf-8")
    blocks = sum(b for b, _ in _counts(app.env).values())
    if exception is None and blocks:
        errors = sum(e for _, e in _counts(app.env).values())
        logger.info("seqdiagrams: %d block(s) in %d document(s), %d invalid", blocks,
                    sum(1 for b, _ in _counts(app.env).values() if b), errors)


# -- configuration ----------------------------------------------------------------------------

def _config_inited(app: Sphinx, config: Config) -> None:
    """Validate every ``seqdiagrams_*`` value; a bad one is warned about and reset to its default."""
    for spec in fields(SiteOptions):
        name = f"seqdiagrams_{spec.name}"
        try:
            SiteOptions.from_mapping({spec.name: config[name]})
            if spec.name == "cache_dir" and not isinstance(config[name], str):
                raise ValueError(f"option `cache_dir` must be a folder name, got `{config[name]}`")
        except ValueError as exc:
            _config_warning(f"{name}: {exc}; using the default `{spec.default!r}`")
            config[name] = spec.default
    config.seqdiagrams_registry = _overlays(config, Path(app.confdir))
    fences = config.myst_fence_as_directive if "myst_fence_as_directive" in config else None
    if fences is not None and "seqarch" not in fences:  # plain ```seqarch fences in MyST pages, as in MkDocs
        config.myst_fence_as_directive = [*fences, "seqarch"]
    if config.seqdiagrams_katex == "page":  # the page's own math as KaTeX at build time too
        app.add_html_math_renderer("seqdiagrams", (lambda self, node: _katex_math(self, node, False), None),
                                   (lambda self, node: _katex_math(self, node, True), None))
        config.html_math_renderer = config.html_math_renderer or "seqdiagrams"
    if config.seqdiagrams_cache_dir:
        config.seqdiagrams_cache_dir = str(Path(app.confdir) / config.seqdiagrams_cache_dir)


def _overlays(config: Config, confdir: Path) -> tuple[str, ...]:
    """Registry overlay paths made absolute; a missing or invalid overlay resets the option."""
    value = config.seqdiagrams_registry
    paths = tuple(str(confdir / p) for p in ((value,) if isinstance(value, str) else value))
    for path in paths:
        if not Path(path).is_file():
            _config_warning(f"seqdiagrams_registry: no such file `{path}`; using the packaged registry only")
            return ()
    try:
        _registry_of(paths)
    except SpecError as exc:
        d = exc.diagnostic
        logger.warning("%s%s", d.message, f" ({d.hint})" if d.hint else "", type=WARNING_TYPE,
                       subtype=d.subtype.value, location=f"{d.loc.path}:{d.loc.line}")
        return ()
    return paths


def _registry_of(paths: tuple[str, ...]) -> Registry:
    from seqdiagrams.registry import Registry

    return Registry.load(paths)


def _config_warning(message: str) -> None:
    logger.warning(message, type=WARNING_TYPE, subtype="config")


def _add_config_values(app: Sphinx) -> None:
    for spec in fields(SiteOptions):
        rebuild = "" if spec.name == "cache_dir" else "env"
        # types=Any: _config_inited checks values itself, so a bad one gets one `seqdiagrams.config` warning
        app.add_config_value(f"seqdiagrams_{spec.name}", spec.default, rebuild, types=Any)  # type: ignore[arg-type]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, node, config values and event handlers."""
    _add_config_values(app)
    SeqarchDirective.option_spec = _option_spec()
    app.add_directive("seqarch", SeqarchDirective)
    app.add_node(seqarch, html=(visit_seqarch_html, None), latex=(visit_seqarch_latex, None))
    app.add_css_file(CSS_FILE)
    app.connect("config-inited", _config_inited)
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-merge-info", _merge_info)
    app.connect("doctree-resolved", _fallbacks)
    app.connect("doctree-resolved", _katex_batch)
    app.connect("build-finished", _write_css)
    app.connect("html-page-context", _katex_assets)
    app.connect("html-page-context", _step_assets)
    return {"version": __version__, "env_version": ENV_VERSION,
            "parallel_read_safe": True, "parallel_write_safe": True}
