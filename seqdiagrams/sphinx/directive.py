"""Read time (parallel-safe): the ``seqarch`` directive checks its block and leaves a plain node.

``.. seqarch:: rnn unroll=3``, MyST ``{seqarch}`` and plain ```` ```seqarch ```` fences: the whole info
line is the argument; options (every subject key, plus ``:name:``) and content become the YAML body,
so values go through the one grammar and errors read as in Markdown. A valid block becomes a
:class:`~seqdiagrams.sphinx.visitors.seqarch` node holding plain strings only (in a numbered figure when
it has a caption); a bad one is reported at its line and replaced by a visible error admonition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from seqdiagrams.directive_options import option_line
from seqdiagrams.errors import Diagnostic, Location, SpecError
from seqdiagrams.rendering.renderer import Place
from seqdiagrams.sphinx.config import cache_folder, found_block, renderer
from seqdiagrams.sphinx.report import report
from seqdiagrams.sphinx.visitors import seqarch
from seqdiagrams.subjects import catalog

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from seqdiagrams.rendering.renderer import BlockText, Renderer
    from seqdiagrams.spec import Spec


class _AnyKey(dict[str, Any]):
    """The directive's option spec: every subject key, and any other key too, so that an
    unknown one reaches the grammar and gets its located "did you mean …?" error."""

    def __missing__(self, key: str) -> Any:
        return directives.unchanged


def option_spec() -> _AnyKey:
    """Every subject's keys and ``name``, all read as plain text (the grammar types them)."""
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
            site = renderer(config, cache_folder(config, self.env.doctreedir))
            block = found_block(info, body, loc)
            spec = site.spec(block)
            warnings = _warnings(site, block, spec, Place(ordinal))
        except SpecError as exc:
            _count(self.env, errors=1)
            report(exc.diagnostic, self._at(exc.diagnostic, path), path, config)
            return [self._error_node(exc.diagnostic)]
        for warning in warnings:  # the figure is still drawn
            report(warning, self._at(warning, path), path, config)
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
        lines = [option_line(key, value) for key, value in self.options.items()]
        if self.content:
            start = self.content_offset - self.lineno  # index of the first content line below the directive
            lines += [""] * max(start - len(lines), 0)
            lines += list(self.content)
        return "\n".join(lines)

    def _at(self, diagnostic: Diagnostic, path: str) -> tuple[str, int]:
        """The warning's place: the diagnostic's line in this document, else the directive's."""
        return self.env.docname, diagnostic.loc.line if diagnostic.loc.path == path else self.lineno

    def _error_node(self, diagnostic: Diagnostic) -> nodes.Element:
        """A visible error admonition in place of the block (every builder renders one)."""
        box = nodes.error(classes=["sqd-error"])
        para = nodes.paragraph()
        para += nodes.strong(text=f"seqarch: {diagnostic.message}")
        para += nodes.Text(" — ")
        para += nodes.literal(text=str(diagnostic.loc))
        if diagnostic.hint:
            para += nodes.Text(f" — {diagnostic.hint}")
        source = self.block_text.rstrip()  # the block as written
        box += [para, nodes.literal_block(source, source, language="none")]
        self.set_source_info(box)
        return box


def _warnings(site: Renderer, block: BlockText, spec: Spec, place: Place) -> list[Diagnostic]:
    """A valid block's warnings; raises an invalid one's error. A block whose figure is in the cache was
    checked when it was rendered (its key covers its text, the site, the registry and the code), so a warm
    build only parses it, and looks for highlights that match nothing when it names some."""
    if not site.cache.contains(site.key(block, place), "html"):
        return site.check(block)
    return site.warnings(spec) if "highlight" in block.info + block.body else []


def load_before_forking(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``-j N`` reads (and writes) the documents in forked processes, one per small chunk of documents: load the
    registry and the pipeline once, here, so each forked process inherits them instead of loading them again."""
    if app.parallel > 1 and docnames:
        from seqdiagrams.rendering import pipeline  # noqa: F401 - imported to be inherited

        renderer(app.config, cache_folder(app.config, env.doctreedir)).registry  # noqa: B018 - loaded to be inherited


# -- block counts per document, for the build summary (purged and merged for -j) ---------------------

def _count(env: BuildEnvironment, blocks: int = 0, errors: int = 0) -> None:
    counts = block_counts(env)
    old = counts.get(env.docname, (0, 0))
    counts[env.docname] = (old[0] + blocks, old[1] + errors)


def block_counts(env: BuildEnvironment) -> dict[str, tuple[int, int]]:
    """``{docname: (blocks, invalid blocks)}`` of the documents read so far."""
    if not hasattr(env, "seqdiagrams_blocks"):
        env.seqdiagrams_blocks = {}  # type: ignore[attr-defined]
    return env.seqdiagrams_blocks  # type: ignore[attr-defined, no-any-return]


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    block_counts(env).pop(docname, None)


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = block_counts(other)
    block_counts(env).update({name: theirs[name] for name in docnames if name in theirs})
