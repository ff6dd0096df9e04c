"""Every warning and error the Sphinx extension raises, through one helper.

Each one is located (a document line, a node, ``conf.py:line`` or a registry overlay's line) and typed
``seqdiagrams.<subtype>`` with the diagnostic's subtype, so ``-W`` fails on any of them and
``suppress_warnings = ["seqdiagrams.<subtype>"]`` silences exactly one kind.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.errors import SphinxError
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.config import Config

    from seqdiagrams.errors import Diagnostic

logger = logging.getLogger("seqdiagrams.sphinx")

WARNING_TYPE = "seqdiagrams"


class SeqdiagramsError(SphinxError):
    """A bad block in a ``seqdiagrams_strict = True`` project."""

    category = "seqdiagrams error"


def warn(config: Config, message: str, location: Any, subtype: str) -> None:
    """Warn at ``location`` (``(docname, line)``, a node, or ``"path:line"``) as ``seqdiagrams.<subtype>``.

    Sphinx before 8 shows the type only when ``show_warning_types`` is on; the message carries it then,
    so a reader always sees which ``suppress_warnings`` entry silences it.
    """
    if not getattr(config, "show_warning_types", False):
        message += f" [{WARNING_TYPE}.{subtype}]"
    logger.warning(message, location=location, type=WARNING_TYPE, subtype=subtype)


def report(diagnostic: Diagnostic, location: Any, path: str, config: Config) -> None:
    """A problem with a block: an error (strict), a warning (default: ``-W`` fails) or a note (strict False).

    ``path`` is the document's file: a diagnostic located in another file (a registry overlay) names it.
    """
    text = diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")
    if diagnostic.loc.path and diagnostic.loc.path != path:
        text += f" [at {diagnostic.loc}]"
    if config.seqdiagrams_strict:
        raise SeqdiagramsError(f"{diagnostic.loc}: {text}")
    if config.seqdiagrams_strict is False:
        logger.info("%s: %s", diagnostic.loc, text)
        return
    warn(config, text, location, diagnostic.subtype.value)


def located(diagnostic: Diagnostic) -> str:
    """A diagnostic's own file and line as a warning location (a registry overlay, not a document)."""
    return f"{diagnostic.loc.path}:{diagnostic.loc.line}"


def setting_location(confdir: str | Path, name: str) -> str:
    """Where ``conf.py`` sets ``name`` (``conf.py:line``; the file alone when it is set another way)."""
    conf = Path(confdir) / "conf.py"
    try:
        tree = ast.parse(conf.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return str(conf)
    for statement in tree.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else (
            [statement.target] if isinstance(statement, ast.AnnAssign | ast.AugAssign) else [])
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            return f"{conf}:{statement.lineno}"
    return str(conf)
