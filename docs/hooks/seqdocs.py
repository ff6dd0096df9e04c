"""MkDocs hook of the project's documentation site: adds the pages generated from the code.

The reference, the gallery and the overlay schema are produced at build time by :mod:`seqdiagrams.reference`
(pure, no MkDocs), so they always describe the code being documented; the pipeline figure of the explanations is
drawn here, in the project's own diagram style, from ``pipeline.yaml`` beside this file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from mkdocs.structure.files import File

from seqdiagrams.reference import pages
from seqdiagrams.registry import Registry
from seqdiagrams.registry.overlay_schema import schema_text

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

PIPELINE = Path(__file__).with_name("pipeline.yaml")
PIPELINE_MARKER = "<!-- pipeline-figure -->"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every generated page and the overlay schema (editors read it beside the example overlay)."""
    for path, text in pages(Registry.default()).items():
        files.append(File.generated(config, path, content=text))
    files.append(File.generated(config, "authoring/overlay.schema.json", content=schema_text()))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put the pipeline figure where its page asks for it."""
    if PIPELINE_MARKER not in markdown:
        return markdown
    return markdown.replace(PIPELINE_MARKER, pipeline_figure())


def pipeline_figure() -> str:
    """The pipeline as an inline SVG figure, laid out by Graphviz and finished like every seqarch diagram (the
    site's light/dark palette, ids prefixed, a title and description for screen readers)."""
    from seqdiagrams.ir import Edge, Graph, Node
    from seqdiagrams.rendering.dot import emit
    from seqdiagrams.rendering.engine import layout
    from seqdiagrams.rendering.html import figure
    from seqdiagrams.rendering.svg import finish_svg

    data = yaml.safe_load(PIPELINE.read_text(encoding="utf-8"))
    graph = Graph("pipeline", {}, title=data["title"], desc=data["desc"], direction="BT",
                  nodes=[Node(n["id"], n["role"], n["label"]) for n in data["nodes"]],
                  edges=[Edge(src, dst) for src, dst in data["edges"]])
    svg = finish_svg(layout(emit(graph), "svg"), "sqd-pipeline-", graph.title, graph.desc, "auto")
    return figure(svg, "sqd-pipeline-", data["title"], "pipeline")
