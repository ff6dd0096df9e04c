"""The site stylesheet every host writes once per site: one source, so MkDocs and Sphinx pages look alike.

Figures inline their markup but not their styles when a host links this file (``styles=False``); the
rules for the figure frame, tables, diagrams, formula sections and timelines are all here.
"""

from __future__ import annotations

from seqdiagrams.rendering.svg import STYLESHEET as DIAGRAM_STYLESHEET
from seqdiagrams.subjects.formulas import STYLESHEET as FORMULAS_STYLESHEET
from seqdiagrams.subjects.timeline import STYLESHEET as TIMELINE_STYLESHEET

FRAME = """\
.sqd-figure{margin:1.2em auto;text-align:center}
.sqd-figure svg{display:block;margin:0 auto}
.sqd-figure figcaption{font-size:.85em;opacity:.8;margin-top:.4em}
figure>.sqd-figure{margin:0 auto}
.sqd-error pre{white-space:pre-wrap}
.sqd-figure:has(table){overflow-x:auto}
.sqd-table{border-collapse:collapse;margin:0 auto;font-size:.8rem;text-align:left}
.sqd-table th,.sqd-table td{border:1px solid var(--md-typeset-table-color,rgba(128,128,128,.35));
  padding:.45em .8em;vertical-align:top}
.sqd-table thead th{background:var(--md-default-fg-color--lightest,rgba(128,128,128,.1))}
"""
"""The figure frame and tables. ``figure>.sqd-figure``: a figure inside a host's own numbered figure
(Sphinx's ``:caption:``) takes no second margin. Table lines use Material's colours, else a half-transparent
grey that shows on light and dark pages alike (themes without Material's variables: Sphinx, MkDocs' own)."""


def site_stylesheet() -> str:
    """The whole stylesheet a site links (``seqdiagrams.css``)."""
    return FRAME + DIAGRAM_STYLESHEET + "\n" + FORMULAS_STYLESHEET + TIMELINE_STYLESHEET
