"""Attention weights of a small computed example, as a heatmap (REFERENCE.md §3.1, ``attn.sdpa``, ``attn.masked``).

The tokens (the author's, else the registry's default sentence in the block's language) are embedded
without a trained model, deterministically: each token's vector is read from the SHA-256 digest of its
text (the same token gets the same vector), and the sinusoidal positional encoding of its position is
added (:func:`~seqdiagrams.subjects.positional_encoding.encoding`), so repeated tokens still differ.
Fixed projections W^Q and W^K (integer hashing of the entry index, no seed) give Q and K; the weights are
softmax(QKᵀ/√d_k) over each row. ``mask=causal`` adds −∞ to the scores above the diagonal (keys after
the query) before the softmax, so those weights are exactly 0 and each row sums to 1 over the keys up
to its own position. The picture says it is a computed example, not a trained model.
"""

from __future__ import annotations

import hashlib
import math
from typing import TYPE_CHECKING, Any

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.models import PlotModel
from seqdiagrams.params import ChoiceParam, ListParam
from seqdiagrams.rendering.serialize import render_model
from seqdiagrams.subjects import Subject
from seqdiagrams.subjects._common import Words
from seqdiagrams.subjects.positional_encoding import encoding

if TYPE_CHECKING:
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

MAX_TOKENS = 12
MAX_TOKEN_CHARS = 16
PARAMS = {
    "tokens": ListParam((), "the tokens, comma separated (default: a short sentence in the block's language)",
                        (), 2, MAX_TOKENS),
    "mask": ChoiceParam("none", "no mask, or the causal mask (keys after the query get weight 0)",
                        ("none", "causal")),
}
FORMATS = ("svg", "png", "html", "json")
D_K = 16
"""Width of embeddings, queries and keys (one head, d_model = d_k)."""
PROJECTION_SCALE = 0.6
"""Entries of W^Q and W^K lie in [−0.6, 0.6): scores of a few units, so the rows are neither flat nor one-hot."""
SALT = {"Q": 1, "K": 2}
DIGITS = 6
"""Decimals kept in the JSON series (machine-independent golden files)."""


def _validate(spec: Spec) -> None:
    for token in spec["tokens"]:
        if len(token) > MAX_TOKEN_CHARS:
            raise SpecError.at(Subtype.TOO_LARGE, f"the token `{token[:MAX_TOKEN_CHARS]}…` is longer than "
                               f"{MAX_TOKEN_CHARS} characters", spec.location_of("tokens"),
                               "use short tokens: one word or word piece each")
        if any(ord(c) < 32 for c in token):
            raise SpecError.at(Subtype.BAD_VALUE, "a token holds a control character", spec.location_of("tokens"))


def tokens_of(spec: Spec, words: Words) -> list[str]:
    """The author's tokens, else the default sentence of the block's language (from the registry)."""
    return list(spec["tokens"]) or words("phrase.attention-weights-sentence").split(",")


def embed(token: str) -> list[float]:
    """A fixed vector for ``token``: D_K numbers in [−1, 1] read from the SHA-256 digest of its UTF-8 text."""
    digest = hashlib.sha256(token.encode("utf-8")).digest()
    return [int.from_bytes(digest[2 * k:2 * k + 2], "big") / 65535 * 2 - 1 for k in range(D_K)]


def projection(name: str) -> list[list[float]]:
    """W^Q or W^K (D_K × D_K, row-vector convention x W): Knuth's multiplicative hash of the entry index."""
    salt = SALT[name]
    return [[((r * D_K + c + 1) * salt * 2654435761 % (1 << 32) / (1 << 32) * 2 - 1) * PROJECTION_SCALE
             for c in range(D_K)] for r in range(D_K)]


def _matmul(x: list[list[float]], w: list[list[float]]) -> list[list[float]]:
    return [[sum(a * w[k][c] for k, a in enumerate(row)) for c in range(len(w[0]))] for row in x]


def weights(tokens: list[str], causal: bool) -> tuple[list[list[float | None]], list[list[float]]]:
    """Scaled scores QKᵀ/√d_k (None where masked) and softmax weights (exactly 0 where masked) per query row."""
    pe = encoding(len(tokens), D_K)
    x = [[e + p for e, p in zip(embed(token), pe[pos], strict=True)] for pos, token in enumerate(tokens)]
    q, k = _matmul(x, projection("Q")), _matmul(x, projection("K"))
    scores: list[list[float | None]] = []
    probs: list[list[float]] = []
    for i, qi in enumerate(q):
        row = [None if causal and j > i else sum(a * b for a, b in zip(qi, kj, strict=True)) / math.sqrt(D_K)
               for j, kj in enumerate(k)]
        top = max(s for s in row if s is not None)
        exps = [0.0 if s is None else math.exp(s - top) for s in row]
        total = sum(exps)
        scores.append(row)
        probs.append([e / total for e in exps])
    return scores, probs


def plot_of(spec: Spec, registry: Registry) -> PlotModel:
    """The plot's data (its JSON output) with the words it is drawn with (:mod:`.rendering.attention_weights_plot`)."""
    words = Words(registry, spec.lang)
    tokens = tokens_of(spec, words)
    causal = spec["mask"] == "causal"
    scores, probs = weights(tokens, causal)
    sentence = ("" if spec.lang == "zh" else " ").join(tokens)
    mask = words(f"phrase.attention-mask.{spec['mask']}")
    title = spec["title"] or words("phrase.attention-weights-title", mask=mask, sentence=f"“{sentence}”")
    caption = spec["caption"] or words(f"phrase.attention-weights-caption-{spec['mask']}")
    peaks = words.join([words("phrase.attention-weights-peak", query=tokens[i], target=tokens[row.index(max(row))],
                              weight=f"{max(row):.2f}") for i, row in enumerate(probs)])
    desc = words("phrase.attention-weights-desc", n=len(tokens), sentence=f"“{sentence}”", peaks=peaks,
                 mask_desc=words(f"phrase.attention-weights-desc-{spec['mask']}"))
    payload: dict[str, Any] = {
        "subject": "attention-weights",
        "title": title,
        "caption": caption,
        "tokens": tokens,
        "mask": spec["mask"],
        "model": {
            "d_model": D_K, "d_k": D_K,
            "embedding": "SHA-256 of the token's UTF-8 text, 2 bytes per value, scaled to [-1, 1], plus PE(pos)",
            "projections": f"W[r][c] = (((r * {D_K} + c + 1) * salt * 2654435761 mod 2^32) / 2^32 * 2 - 1) * "
                           f"{PROJECTION_SCALE}, salt Q = {SALT['Q']}, K = {SALT['K']}",
            "scores": "Q K^T / sqrt(d_k)" + (" + M (M_ij = -inf for j > i)" if causal else "")
                      + "; Q = X W^Q, K = X W^K, X = embedding + PE",
            "equations": ["attn.sdpa", "attn.masked"] if causal else ["attn.sdpa"],
            "sources": list(registry.arch("transformer").sources),
        },
        "labels": {
            "query": words("phrase.attention-weights-query"),
            "key": words("phrase.attention-weights-key"),
            "scale": words("phrase.attention-weights-scale"),
            "model": words(f"phrase.attention-weights-model-{spec['mask']}", d_k=D_K),
        },
        "scores": [[None if s is None else round(s, DIGITS) for s in row] for row in scores],
        "weights": [[round(p, DIGITS) for p in row] for row in probs],
    }
    return PlotModel("attention-weights", payload, title, desc, caption, spec["theme"])




SUBJECT = Subject(
    name="attention-weights",
    help="heatmap of softmax(QKᵀ/√d_k) for a small computed example, with or without the causal mask",
    own_params=PARAMS,
    render=render_model(plot_of),
    formats=FORMATS,
    golden="json",
    validate=_validate,
    examples=(
        "attention-weights",
        "attention-weights mask=causal",
        "attention-weights tokens=I,love,attention,heads,!,! mask=causal",
    ),
)
