"""Render every subject's examples, in English and Chinese, into a gallery folder.

``python -m seqdiagrams.gallery docs/gallery`` writes, per example, a picture
(``<slug>.svg`` for diagrams and plots, ``<slug>.html`` for tables and timelines) and a
golden file in the subject's machine-independent format (``.dot`` for diagrams, ``.md`` or
``.json`` for data), with ``.zh`` twins, plus an ``index.md`` that shows each figure under
the block that made it. The test suite re-renders every example and fails when a golden
file is stale (SVG coordinates depend on the fonts installed, so SVG is not compared).
``--png`` also writes PNGs for review.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from seqdiagrams.registry import Registry
from seqdiagrams.rendering.renderer import Renderer
from seqdiagrams.spec import parse
from seqdiagrams.subjects import catalog, get_subject

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from seqdiagrams.spec import Spec

LANGS = ("en", "zh")


def examples() -> Iterator[tuple[str, str]]:
    """``(subject, block)`` for every example of every subject, in catalogue order."""
    for name, subject in catalog().items():
        for block in subject.examples:
            yield name, block


def slug(block: str, lang: str) -> str:
    """A file name for ``block`` in ``lang``: ``rnn unroll=3`` → ``rnn-unroll-3`` (``.zh`` for Chinese).

    Only the info string names the file: a block with a YAML body is told apart by its keys (``graph=own``).
    """
    base = re.sub(r"[^a-z0-9]+", "-", block.partition("\n")[0].lower()).strip("-")
    return base if lang == "en" else f"{base}.zh"


def block_in(block: str, lang: str) -> str:
    """The example block as written for ``lang`` (``lang=zh`` ends the info string, before any body)."""
    info, newline, body = block.partition("\n")
    return block if lang == "en" else f"{info} lang=zh{newline}{body}"


def files_of(spec: Spec) -> tuple[str, str]:
    """The golden format and the picture format of an example (``("dot", "svg")`` for diagrams)."""
    subject = get_subject(spec.subject)
    golden = subject.golden if subject.uses_render(spec) else "dot"
    return golden, "svg" if "svg" in subject.formats else "html"


def write(folder: Path, png: bool = False) -> int:
    """Render the whole gallery into ``folder``; returns the number of figures written."""
    renderer = Renderer(registry=Registry.default())
    folder.mkdir(parents=True, exist_ok=True)
    index = ["# Gallery", "",
             "Every subject and variant, rendered by `python -m seqdiagrams.gallery docs/gallery`.",
             "Each figure shows the block that produced it.", ""]
    count = 0
    current = ""
    for subject, block in examples():
        if subject != current:
            index += [f"## `{subject}`", ""]
            current = subject
        for lang in LANGS:
            spec = parse(block_in(block, lang))
            name = slug(block, lang)
            golden, picture = files_of(spec)
            (folder / f"{name}.{golden}").write_text(str(renderer.output(spec, golden)), encoding="utf-8")
            (folder / f"{name}.{picture}").write_text(str(renderer.output(spec, picture)), encoding="utf-8")
            if png and "png" in get_subject(spec.subject).formats:
                (folder / f"{name}.png").write_bytes(bytes(renderer.output(spec, "png")))
            shown = f"![{name}]({name}.svg)" if picture == "svg" else f"[{name}]({name}.html)"
            index += [f"```text\nseqarch {block_in(block, lang)}\n```", "", shown, ""]
            count += 1
    (folder / "index.md").write_text("\n".join(index), encoding="utf-8")
    return count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seqdiagrams.gallery", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=Path("docs/gallery"))
    parser.add_argument("--png", action="store_true", help="also write PNG files (for visual review)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    count = write(args.folder, args.png)
    print(f"seqdiagrams: {count} figures written to {args.folder} in {time.perf_counter() - start:.2f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
