"""Render every subject's examples, in English and Chinese: the golden set, and pictures on demand.

``python -m seqdiagrams.gallery`` writes, per example, the golden file in the subject's
machine-independent format (``.dot`` for diagrams, ``.md`` or ``.json`` for data), with ``.zh``
twins, into ``tests/golden``. The test suite re-renders every example and fails when a golden file
is stale; pictures are not golden (SVG coordinates depend on the fonts installed). ``--pictures DIR``
also writes each example's picture (``<slug>.svg`` for diagrams and plots, ``<slug>.html`` for
tables and timelines) and an ``index.md`` that shows each figure under the block that made it, for
review; ``--png`` adds PNGs to those.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from seqdiagrams.registry import Registry
from seqdiagrams.rendering import Renderer
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


GOLDEN = Path("tests/golden")
"""The golden set's folder, relative to a source checkout."""


def index() -> str:
    """The ``index.md`` of a picture folder: every example's block, then its picture, by subject."""
    lines = ["# Gallery", "",
             "Every subject and variant, rendered by `python -m seqdiagrams.gallery --pictures DIR`.",
             "Each figure shows the block that produced it.", ""]
    current = ""
    for subject, block in examples():
        if subject != current:
            lines += [f"## `{subject}`", ""]
            current = subject
        for lang in LANGS:
            name = slug(block, lang)
            picture = files_of(parse(block_in(block, lang)))[1]
            shown = f"![{name}]({name}.svg)" if picture == "svg" else f"[{name}]({name}.html)"
            lines += [f"```text\nseqarch {block_in(block, lang)}\n```", "", shown, ""]
    return "\n".join(lines)


def write(folder: Path, pictures: Path | None = None, png: bool = False) -> int:
    """Render the golden set into ``folder`` (and the pictures into ``pictures``); returns the number of examples."""
    renderer = Renderer(registry=Registry.default())
    folder.mkdir(parents=True, exist_ok=True)
    if pictures is not None:
        pictures.mkdir(parents=True, exist_ok=True)
    count = 0
    for _, block in examples():
        for lang in LANGS:
            spec = parse(block_in(block, lang))
            name = slug(block, lang)
            golden, picture = files_of(spec)
            (folder / f"{name}.{golden}").write_text(str(renderer.output(spec, golden)), encoding="utf-8")
            if pictures is not None:
                (pictures / f"{name}.{picture}").write_text(str(renderer.output(spec, picture)),
                                                             encoding="utf-8")
                if png and "png" in get_subject(spec.subject).formats:
                    (pictures / f"{name}.png").write_bytes(bytes(renderer.output(spec, "png")))
            count += 1
    if pictures is not None:
        (pictures / "index.md").write_text(index(), encoding="utf-8")
    return count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seqdiagrams.gallery", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=GOLDEN, help=f"the golden set (default: {GOLDEN})")
    parser.add_argument("--pictures", type=Path, metavar="DIR",
                        help="also write each example's picture and an index.md into DIR (for review)")
    parser.add_argument("--png", action="store_true", help="with --pictures: PNG files too")
    args = parser.parse_args(argv)
    if args.png and args.pictures is None:
        parser.error("--png needs --pictures DIR")
    start = time.perf_counter()
    count = write(args.folder, args.pictures, args.png)
    print(f"seqdiagrams: {count} examples written to {args.folder}"
          + (f" (pictures in {args.pictures})" if args.pictures else "")
          + f" in {time.perf_counter() - start:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
