"""The types every layer shares: what a subject is, what it renders to, and the output formats.

A leaf of the package: it imports only the parameter declarations and the errors (and, for the shape
keys every diagram takes, :mod:`seqdiagrams.shapes`), never the parser, the registry, the subjects'
modules or the renderers. So :mod:`seqdiagrams.spec` (which needs a subject's keys), the subjects
(which declare themselves) and :mod:`seqdiagrams.rendering` (which draws them) all import it, and
none of them imports another to learn a type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.params import Param, merged
from seqdiagrams.shapes import PARAMS as SHAPE_PARAMS
from seqdiagrams.shapes import SIZES

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

OutputFormat = Literal["svg", "dot", "ir-json", "html", "png", "md", "json"]
FORMATS: tuple[str, ...] = ("svg", "dot", "ir-json", "html", "png", "md", "json")
"""Every output format; each subject supports a subset (``Subject.formats``)."""
GRAPH_FORMATS = ("svg", "dot", "ir-json", "html", "png")
"""What every diagram subject can be rendered as."""


def _no_check(spec: Spec) -> None:
    """Subjects without cross-field rules accept every combination of valid values."""


@dataclass(frozen=True)
class Output:
    """A non-graph subject's rendering: the body in the requested format, and a caption for figures.

    For ``html`` the body is the figure's content (a table, a timeline, an SVG plot);
    the pipeline wraps it in the common ``<figure>`` with the caption.
    """

    body: str | bytes
    caption: str = ""


@dataclass(frozen=True)
class TextTable:
    """A plain table for hosts without a browser (LaTeX, text).

    A subject module may define ``text_table(spec, registry) -> TextTable``; a 1-tuple row heads a group."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]
    """Relative column widths (characters in a plain-text table)."""


@dataclass(frozen=True)
class Subject:
    """What a block subject accepts and how it is drawn: ``build`` (a graph) or ``render``."""

    name: str
    help: str
    own_params: Mapping[str, Param]
    examples: tuple[str, ...]
    build: Callable[[Spec, Registry], Graph] | None = None
    render: Callable[[Spec, Registry, str, str, bool], Output] | None = None
    """``render(spec, registry, fmt, id_prefix, styles)`` for subjects that are not graphs (``styles``: embed
    the shared stylesheet in SVG output, as diagrams do)."""
    formats: tuple[str, ...] = GRAPH_FORMATS
    validate: Callable[[Spec], None] = _no_check
    renders: Callable[[Spec], bool] | None = None
    """For a subject with both ``build`` and ``render`` (a diagram with a plot view): which one a spec uses."""
    golden: str = "dot"
    """The machine-independent format the gallery keeps as its golden file (``md``/``json`` for data)."""
    crossings: Mapping[str, int] = field(default_factory=dict)
    """Edge-crossing budget of each diagram example that needs one (others: 0), the number a careful hand
    drawing has; the layout lint in the test suite holds every example to it (FIGURES.md §Measures)."""
    params: Mapping[str, Param] = field(init=False)

    def __post_init__(self) -> None:
        if self.build is None and self.render is None:
            raise TypeError(f"subject {self.name!r} needs build= or render=")
        if self.build is not None and self.render is not None and self.renders is None:
            raise TypeError(f"subject {self.name!r} has build= and render=, so it needs renders=")
        own = dict(self.own_params)
        if self.build is not None:  # a diagram can label its edges with shapes
            own = {**SHAPE_PARAMS, **own}
        object.__setattr__(self, "params", merged(own, diagram=self.build is not None))

    def uses_render(self, spec: Spec) -> bool:
        """Whether ``spec`` is drawn by ``render`` (else by ``build`` and the Graphviz pipeline)."""
        if self.render is None:
            return False
        return self.build is None or (self.renders is not None and self.renders(spec))

    def check(self, spec: Spec) -> None:
        """Cross-field rules (e.g. ``expand=true`` needs few layers); raises a located SpecError."""
        sizes = [key for key in SIZES if key in spec.given and key not in self.own_params]
        if spec.params.get("shapes") and self.uses_render(spec):
            raise SpecError.at(Subtype.BAD_VALUE, f"this view of `{self.name}` is a plot: it has no edges to label",
                               spec.location_of("shapes"), "remove shapes=true, or draw a diagram view")
        if sizes and not spec["shapes"]:
            raise SpecError.at(Subtype.BAD_VALUE, f"`{sizes[0]}` is a size for the tensor shapes, which are not shown",
                               spec.location_of(sizes[0]), "add shapes=true")
        self.validate(spec)
