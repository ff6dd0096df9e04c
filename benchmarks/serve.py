"""Rebuilds in one process, the way ``mkdocs serve`` makes them: CPU seconds of each rebuild, as JSON.

``mkdocs serve`` loads the configuration again and builds the whole site in the same Python process
on every save (plugins that define ``on_startup`` are kept between builds), so what an author waits
for after saving a page is a rebuild in a process that has already built the site once: modules are
imported, Graphviz is set up. ``build.py`` runs this for the site and for its plain twin and compares.

    python benchmarks/serve.py mkdocs.yml page.md "<text 1>" "<text 2>" … [--quiet-rebuilds N]

Builds once (not timed), then for each text: writes it to ``page.md`` and times one rebuild (an edit);
then times ``--quiet-rebuilds`` rebuilds with nothing changed (a warm rebuild). Prints
``{"edit": [...], "warm": [...]}`` (CPU seconds of this process; an edit renders too few figures for
a worker pool).
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("page", type=Path)
    parser.add_argument("texts", nargs="+")
    parser.add_argument("--quiet-rebuilds", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the benchmark's sites are valid; MkDocs' INFO lines are noise here

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = tempfile.mkdtemp(prefix="seqdiagrams-serve-")

    def rebuild(first: bool = False) -> float:
        start = time.process_time()
        config = load_config(config_file=str(args.config), site_dir=site_dir)
        if first:
            config.plugins.on_startup(command="serve", dirty=False)
        build(config, serve_url="http://127.0.0.1:8000/")
        return time.process_time() - start

    rebuild(first=True)
    edits = []
    for text in args.texts:
        args.page.write_text(text, encoding="utf-8")
        edits.append(rebuild())
    warm = [rebuild() for _ in range(args.quiet_rebuilds)]
    print(json.dumps({"edit": edits, "warm": warm}))


if __name__ == "__main__":
    main()
