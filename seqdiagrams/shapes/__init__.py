"""Tensor shapes computed through the IR graph (``shapes=true``, issue 16).

Two parts along one seam: :mod:`~seqdiagrams.shapes.rules` holds the dimensions, the block's sizes and the rule
of every node role; :mod:`~seqdiagrams.shapes.propagate` applies them from the graph's inputs on and writes the
shapes into the figure (edge labels, the feed-forward box, the caption's ``output``/``h_n``). A graph whose shapes
do not compose is a located error naming the node and the rule it broke. Pure domain logic: no host.
"""

from seqdiagrams.shapes.propagate import annotate, propagate, results
from seqdiagrams.shapes.rules import (
    MAX_SIZE,
    PARAMS,
    RULES,
    SIZES,
    Dim,
    Shape,
    ShapeMismatch,
    Sizes,
    rule_of,
    shown,
)

__all__ = ["MAX_SIZE", "PARAMS", "RULES", "SIZES", "Dim", "Shape", "ShapeMismatch", "Sizes", "annotate",
           "propagate", "results", "rule_of", "shown"]
