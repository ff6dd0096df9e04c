"""`highlight` that matches nothing (issue 12 item 19): a located warning with a suggestion, an error when strict.

The items a figure can highlight are the roles and node ids of its IR (what the emitter outlines), so
the expectations below are read from the built graph, not written out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import markdown
import pytest

from seqdiagrams.cli import main
from seqdiagrams.errors import Diagnostic, Location, SpecError, Subtype
from seqdiagrams.markdown_ext import SeqarchExtension
from seqdiagrams.options import SiteOptions
from seqdiagrams.rendering import Renderer, build_graph, unmatched_highlights
from seqdiagrams.rendering.cache import DiskCache
from seqdiagrams.spec import parse

if TYPE_CHECKING:
    from pathlib import Path

    from seqdiagrams.registry import Registry


def test_a_role_and_a_node_id_of_the_figure_are_accepted(registry: Registry) -> None:
    graph = build_graph(parse("lstm"), registry)
    role, node_id = graph.nodes[0].role, graph.nodes[-1].id
    assert unmatched_highlights(parse(f"lstm highlight={role},{node_id}"), registry) == []


def test_an_item_matching_nothing_is_reported_where_highlight_is_written(registry: Registry) -> None:
    roles = {node.role for node in build_graph(parse("rnn"), registry).nodes}
    assert "hidden-state" in roles and "hidden" not in roles
    spec = parse("rnn unroll=3 highlight=hidden-state,hidden", Location("page.md", 4, 1))
    assert unmatched_highlights(spec, registry) == [Diagnostic(
        Subtype.HIGHLIGHT, "`hidden` in `highlight` matches no role or node id of this figure",
        Location("page.md", 4, 14), "did you mean `hidden-state`?")]


def test_an_item_far_from_everything_points_at_the_ir(registry: Registry) -> None:
    (d,) = unmatched_highlights(parse("transformer highlight=zzz"), registry)
    assert d.hint == "`--format ir-json` lists the figure's roles and node ids"


def test_subjects_that_are_not_graphs_check_highlight_themselves(registry: Registry) -> None:
    assert unmatched_highlights(parse("mamba view=scan"), registry) == []
    with pytest.raises(SpecError, match="not an equation of the formula set"):
        from seqdiagrams.rendering import check_spec

        check_spec(parse("formulas arch=rnn highlight=hidden"), registry)


# -- hosts ---------------------------------------------------------------------------------------------------

BLOCK = "```seqarch rnn highlight=hidden\n```\n"


def converter(cache: DiskCache, **options: object) -> tuple[markdown.Markdown, list[Diagnostic]]:
    reported: list[Diagnostic] = []
    renderer = Renderer(SiteOptions.from_mapping(options), cache=cache)
    extension = SeqarchExtension(renderer, reported.append)
    return markdown.Markdown(extensions=[extension]), reported


def test_markdown_draws_the_figure_and_warns_also_from_a_warm_cache(tmp_path: Path) -> None:
    md, reported = converter(DiskCache(tmp_path))
    assert md.convert(BLOCK).count("<svg") == 1
    warm_md, warm_reported = converter(DiskCache(tmp_path))  # a later build: the figure comes from disk
    assert warm_md.convert(BLOCK).count("<svg") == 1
    assert warm_md.registeredExtensions[0].cache.hits["html"] == 1
    for found in (reported, warm_reported):
        assert [(d.subtype, d.loc.line, d.loc.col, d.hint) for d in found] == [
            (Subtype.HIGHLIGHT, 1, 16, "did you mean `hidden-state`?")]


def test_markdown_strict_makes_it_an_error(tmp_path: Path) -> None:
    md, _ = converter(DiskCache(tmp_path), strict=True)
    with pytest.raises(SpecError, match="`hidden` in `highlight` matches no role"):
        md.convert(BLOCK)


def test_cli_render_warns_on_stderr_and_still_renders(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "rnn highlight=hidden", "--format", "dot"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("digraph seqdiagram {")
    assert err == ("<block>:1:5: warning: `hidden` in `highlight` matches no role or node id of this figure "
                   "(did you mean `hidden-state`?)\n")


def test_cli_check_counts_warnings_and_fails_on_them_with_strict(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.md"
    page.write_text("# T\n\n" + BLOCK, encoding="utf-8")
    assert main(["check", str(page)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{page}:3:16: warning: `hidden` in `highlight` matches no role or node id of this figure " \
                  "(did you mean `hidden-state`?)\n"
    assert err.strip() == "seqdiagrams: 1 block(s) in 1 file(s), 0 error(s), 1 warning(s)"
    assert main(["check", "--strict", str(page)]) == 1
    assert capsys.readouterr().out.startswith(f"{page}:3:16: error: ")
