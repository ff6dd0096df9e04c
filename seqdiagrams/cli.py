"""The ``seqdiagrams`` command: render, list and check blocks; regenerate marked regions of Markdown files.

Exit codes: 0 success, 1 invalid blocks (or a render failure, or stale regions with ``regen --check``),
2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from seqdiagrams import __version__
from seqdiagrams.atomic import write_atomic
from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.options import SiteOptions, read_mkdocs_plugin
from seqdiagrams.page_assets import BUNDLES, copy_bundles
from seqdiagrams.regen import STALE, regen_file
from seqdiagrams.registry import Registry
from seqdiagrams.registry.overlay_schema import schema_text
from seqdiagrams.rendering import FORMATS, Renderer
from seqdiagrams.scan import MARKDOWN_SUFFIXES, RST_SUFFIXES, scan_file
from seqdiagrams.subjects import catalog

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

EXAMPLES = """\
examples:
  seqdiagrams render "rnn unroll=3" --format svg -o rnn.svg
  seqdiagrams render "seqarch transformer variant=decoder-only layers=2 lang=zh" --format png -o gpt.png
  seqdiagrams render "lstm forget_gate=false" --format ir-json
  seqdiagrams list subjects
  seqdiagrams list keys transformer
  seqdiagrams check docs/
  seqdiagrams regen README.md docs/ --check
  seqdiagrams regen docs/ --config-file mkdocs.yml
  seqdiagrams assets docs/assets/seqdiagrams
  seqdiagrams schema > overlay.schema.json
"""

SKIP_DIRS = {".git", "node_modules", "site", "_build", ".venv", "venv", "__pycache__", ".cache"}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and ``python -m seqdiagrams``."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except SpecError as exc:
        print(exc.diagnostic.format(), file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seqdiagrams", description="Diagrams of sequence-model architectures from seqarch blocks.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"seqdiagrams {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    render = sub.add_parser("render", help="render one block", epilog=EXAMPLES,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    render.add_argument("block", help='the block, e.g. "rnn unroll=3" (a leading "seqarch" is optional)')
    render.add_argument("--format", "-f", choices=FORMATS, default="svg")
    render.add_argument("--output", "-o", type=Path, help="write here instead of standard output")
    render.add_argument("--lang", choices=("en", "zh"), help="language, unless the block sets lang=")
    _registry_option(render)
    render.set_defaults(run=_render)

    listing = sub.add_parser("list", help="list subjects, a subject's keys, architectures or dimensions")
    listing.add_argument("what", nargs="?", default="subjects", choices=("subjects", "keys", "archs", "dims"))
    listing.add_argument("subject", nargs="?", help="with `keys`: the subject")
    _registry_option(listing)
    listing.set_defaults(run=_list)

    check = sub.add_parser("check", help="validate every block in Markdown/rST files or folders")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument("--strict", action="store_true",
                       help="count warnings (a highlight that matches nothing) as errors")
    _registry_option(check)
    check.set_defaults(run=_check)

    regen = sub.add_parser("regen", help="rewrite generated content between <!-- seqarch ... --> and "
                                         "<!-- /seqarch --> markers in Markdown files or folders")
    regen.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    regen.add_argument("--check", action="store_true",
                       help="write nothing; list stale regions and exit 1 when there are any (for CI)")
    regen.add_argument("--lang", choices=("en", "zh"),
                       help="language of regions whose marker and file front matter set none "
                            "(default: the site's, with --config-file; else en)")
    regen.add_argument("--config-file", "-f", type=Path, metavar="MKDOCS_YML",
                       help="read the seqdiagrams plugin's `lang` and `registry` from this mkdocs.yml")
    _registry_option(regen)
    regen.set_defaults(run=_regen)

    assets = sub.add_parser("assets", help="copy KaTeX's stylesheet and fonts and the step-through script into a "
                                           "folder, for hosts that only run the Markdown extension (Zensical)")
    assets.add_argument("folder", type=Path, metavar="DIR",
                        help="e.g. docs/assets/seqdiagrams; then link vendor/katex/katex.min.css and "
                             "steps/steps.js below it")
    assets.set_defaults(run=_assets)
    _schema_command(sub)
    return parser


def _schema_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schema = sub.add_parser("schema", help="print the JSON Schema of registry overlay files (for editors: "
                                           "`# yaml-language-server: $schema=overlay.schema.json`)")
    schema.set_defaults(run=_schema)


def _schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_text())
    return 0


def _registry_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--registry", action="append", default=[], type=Path, metavar="FILE",
                        help="a registry overlay YAML file (repeatable)")


def _registry(args: argparse.Namespace) -> Registry:
    return Registry.load(args.registry)


def _assets(args: argparse.Namespace) -> int:
    missing = copy_bundles(BUNDLES, args.folder)
    for relative in missing:
        print(f"seqdiagrams: the vendored asset {relative} is missing: reinstall seqdiagrams", file=sys.stderr)
    for name, bundle in BUNDLES.items():
        for file in bundle.files:  # what the site links: extra_css, extra_javascript
            print(f"{name}: {(args.folder / file).as_posix()}")
    return 1 if missing else 0


def _render(args: argparse.Namespace) -> int:
    options = SiteOptions(lang=args.lang) if args.lang else SiteOptions()
    out, warnings = Renderer(options, _registry(args)).render_text(args.block, args.format)
    for warning in warnings:
        print(warning.format("warning"), file=sys.stderr)
    data = out if isinstance(out, bytes) else out.encode("utf-8")
    if args.output:
        write_atomic(args.output, data)  # a failed render never leaves a truncated file where a figure was
    elif isinstance(out, bytes) and sys.stdout.isatty():
        print("seqdiagrams: refusing to write PNG to a terminal; use -o FILE", file=sys.stderr)
        return 2
    else:
        sys.stdout.buffer.write(data)
    return 0


def _list(args: argparse.Namespace) -> int:
    subjects = catalog()
    if args.what == "subjects":
        for subject in subjects.values():
            print(f"{subject.name:<12} {subject.help}")
    elif args.what == "keys":
        if args.subject not in subjects:
            print(f"seqdiagrams: `list keys` needs a subject: {', '.join(subjects)}", file=sys.stderr)
            return 2
        for key, param in subjects[args.subject].params.items():
            print(f"{key:<14} {param.describe():<40} default {param.spelled():<14} {param.help}")
    elif args.what == "archs":
        for arch_id, arch in _registry(args).data.archs.items():
            print(f"{arch_id:<18} {arch.year}  {arch.name.en} / {arch.name.zh}")
    else:
        for dim_id, dim in _registry(args).data.dims.items():
            print(f"{dim_id:<18} {'*' if dim.default else ' '} {dim.label.en} / {dim.label.zh}")
    return 0


def _check(args: argparse.Namespace) -> int:
    renderer = Renderer(registry=_registry(args))
    files = list(_files(args.paths))
    missing = [p for p in args.paths if not p.exists()]
    for path in missing:
        print(f"seqdiagrams: no such file or folder: {path}", file=sys.stderr)
    if missing:
        return 2
    count = errors = warnings = 0
    for path in files:
        for block in scan_file(path):
            count += 1
            try:
                found = renderer.check(block)
            except SpecError as exc:
                errors += 1
                print(exc.diagnostic.format())
                continue
            for warning in found:
                warnings += 1
                print(warning.format("error" if args.strict else "warning"))
    print(f"seqdiagrams: {count} block(s) in {len(files)} file(s), {errors} error(s), {warnings} warning(s)",
          file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def _regen(args: argparse.Namespace) -> int:
    missing = [p for p in [*args.paths, *filter(None, [args.config_file])] if not p.exists()]
    for path in missing:
        print(f"seqdiagrams: no such file or folder: {path}", file=sys.stderr)
    if missing:
        return 2
    lang = args.lang
    if args.config_file is not None:
        site_lang, overlays = _site_options(args.config_file)
        lang = lang or site_lang
        args.registry = [*overlays, *args.registry]  # the command line's overlays win
    registry = _registry(args)
    files = list(dict.fromkeys(_files(args.paths, MARKDOWN_SUFFIXES)))
    regions = stale = errors = written = 0
    for path in files:
        try:
            outcome, wrote = regen_file(path, registry, check=args.check, lang=lang)
        except OSError as exc:
            errors += 1
            print(f"{path}: cannot read or write: {exc.strerror}")
            continue
        for diagnostic in outcome.errors:
            print(diagnostic.format())
        if args.check:
            for line in outcome.stale:
                print(f"{path}:{line}: {STALE}")
        regions, stale, errors = regions + outcome.regions, stale + len(outcome.stale), errors + len(outcome.errors)
        written += wrote
    verb = "stale" if args.check else "regenerated"
    print(f"seqdiagrams: {regions} region(s) in {len(files)} file(s), {stale} {verb}, {written} file(s) written, "
          f"{errors} error(s)", file=sys.stderr)
    return 1 if errors or (args.check and stale) else 0


def _site_options(config_file: Path) -> tuple[str, list[Path]]:
    """The ``lang`` and registry overlays of the seqdiagrams plugin in a ``mkdocs.yml``.

    Overlay paths are relative to the file's folder, as MkDocs reads them; options are validated
    as the plugin validates them, and a bad one is an error at its line.
    """
    entry = read_mkdocs_plugin(config_file)
    known = {key: entry.values[key] for key in ("lang", "registry") if entry.values.get(key) is not None}
    try:
        options = SiteOptions.from_mapping(known)
    except ValueError as exc:
        key = next((k for k in known if f"`{k}`" in str(exc)), "")
        raise SpecError.at(Subtype.BAD_VALUE, str(exc), entry.where.get(key, entry.where[""])) from None
    return options.lang, [config_file.parent / path for path in options.registry]


def _files(paths: list[Path], suffixes: tuple[str, ...] | None = None) -> Iterator[Path]:
    """Files named in ``paths``, and files with one of ``suffixes`` (default: Markdown and rST) in folders."""
    suffixes = suffixes or MARKDOWN_SUFFIXES + RST_SUFFIXES
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix.lower() in suffixes and not SKIP_DIRS & set(child.relative_to(path).parts):
                    yield child
        elif path.is_file():
            yield path
