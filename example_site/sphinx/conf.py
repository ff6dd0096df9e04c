"""The Sphinx twin of the MkDocs knowledge base: same pages, built with ``seqdiagrams.sphinx``.

The MyST pages are generated from ``../docs`` by ``mirror.py``; ``en/rnn.rst`` is kept in
reStructuredText by hand, so both directive syntaxes are exercised. Build with::

    sphinx-build -W -j auto -b html example_site/sphinx build/sphinx-example/html
    sphinx-build -W -M latexpdf example_site/sphinx build/sphinx-example   # xelatex: TeX Live, Noto CJK
"""

project = "Sequence Models Knowledge Base · 序列模型知识库"
author = "seqdiagrams"
copyright = "the seqdiagrams authors"

extensions = ["myst_parser", "seqdiagrams.sphinx"]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
numfig = True

# MyST: `:::{admonition}` blocks, $…$ and $$…$$ math, and plain ```seqarch fences as the directive
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_fence_as_directive = ["seqarch"]

# seqdiagrams (every option is optional): alabaster has no dark mode, so draw light diagrams
seqdiagrams_theme = "light"
# typeset every $…$ / :math: at build time with the vendored KaTeX: no MathJax, nothing from a CDN
seqdiagrams_katex = "page"

html_theme = "alabaster"
html_title = project

# PDF: one book per language. xelatex with xeCJK typesets the Chinese text (TeX Live's
# texlive-lang-chinese / texlive-lang-cjk and fonts-noto-cjk); DejaVu covers ⊙, ≈, → and Greek.
latex_engine = "xelatex"
latex_documents = [
    ("en/index", "seqmodels-en.tex", "Sequence Models: a Knowledge Base", author, "howto"),
    ("zh/index", "seqmodels-zh.tex", "序列模型知识库", author, "howto"),
]
latex_elements = {
    "fontpkg": r"""
\setmainfont{DejaVu Serif}
\setsansfont{DejaVu Sans}
\setmonofont{DejaVu Sans Mono}[Scale=0.85]
""",
    "preamble": r"""
\usepackage{xeCJK}
\setCJKmainfont{Noto Serif CJK SC}
\setCJKsansfont{Noto Sans CJK SC}
\setCJKmonofont{Noto Sans CJK SC}
""",
    "figure_align": "H",  # diagrams stay where the text refers to them
}
