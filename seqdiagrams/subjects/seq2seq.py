"""RNN encoder–decoder, without attention or with Bahdanau / Luong attention (REFERENCE.md §2.5–§2.7).

none (Sutskever 2014): encoder chain over the source tokens (reversed when ``reverse=true``) plus
<EOS>; its final state → one fixed-size ``context`` v → decoder initial state; decoder inputs
<EOS>, y_1, …; a softmax output per step, each fed back (``feedback``) as the next decoder input.
No attention weights, no scores, no edge from encoder states to the decoder except through v.
bahdanau (2014/ICLR 2015): bidirectional encoder (two opposite chains), annotation h_j = [h→_j; h←_j];
for one target step i the query is the *previous* state s_{i-1} → W_a s_{i-1}, and per annotation
U_a h_j, +, tanh, v_a → e_ij → softmax → α_i → weighted sum of the h_j → c_i → decoder step s_i
(from s_{i-1}, y_{i-1}, c_i) → y_i. Attention comes before the decoder update.
luong (2015): unidirectional encoder states h̄_s (one layer of the stack drawn); the decoder computes
its *current* h_t first, and h_t is the query of one multiplicative score against every h̄_s →
softmax → a_t → c_t → [c_t; h_t] → W_c, tanh → h̃_t → softmax → y_t; input feeding: h̃_t joins the
next step's input. Never h_{t-1} as the query.
``reverse`` only applies to ``attention=none`` (the attention papers do not reverse the source);
with attention one decoder step is drawn, so ``tgt_len`` is rejected there.
"""
from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.ir import Stack
from seqdiagrams.params import BoolParam, ChoiceParam, IntParam
from seqdiagrams.subjects import Subject
from seqdiagrams.subjects._common import Words, finish, new_graph

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

PARAMS = {
    "attention": ChoiceParam("none", "no attention (Sutskever 2014), Bahdanau (additive) or Luong (multiplicative)",
                             ("none", "bahdanau", "luong")),
    "src_len": IntParam(3, "source tokens drawn", 1, 8),
    "tgt_len": IntParam(3, "target tokens drawn (attention=none only; with attention one step is drawn)",
                        1, 8),
    "reverse": BoolParam(True, "feed the source in reversed order, as Sutskever et al. did (attention=none only)"),
}

WRAP = 10
"""Box names longer than this break onto two lines: every column of an unrolled encoder–decoder stays narrow."""
NODESEP = 0.25
"""Inches between the columns of an attention figure: T_x columns and the decoder share one page width."""
EOS = "<EOS>"
BAR = "\u0305"
"""Combining overline for h̄ in math lines (placed correctly by the layout font, unlike U+0304)."""
TILDE = "\u0303"


def _validate(spec: Spec) -> None:
    if spec["attention"] != "none" and "tgt_len" in spec.given:
        raise SpecError.at(Subtype.BAD_VALUE, "with attention, one decoder step is drawn in detail, so "
                           "`tgt_len` has no effect", spec.location_of("tgt_len"),
                           "remove `tgt_len`, or use attention=none to draw every target step")


def build(spec: Spec, registry: Registry) -> Graph:
    words = Words(registry, spec.lang)
    if spec["attention"] == "bahdanau":
        return _bahdanau(spec, registry, words)
    if spec["attention"] == "luong":
        return _luong(spec, registry, words)
    return _plain(spec, registry, words)

TOKEN, STATE, FED = ("B", "d_x"), ("B", "d_h"), ("B", "d_x+d_h")
"""Shapes at one step (``shapes=true``): an embedded token, a recurrent state, and Luong's input feeding (the next
input concatenated with the previous attentional state)."""


def _plain(spec: Spec, registry: Registry, words: Words) -> Graph:
    g = new_graph(spec, "BT")
    src, tgt, reverse = spec["src_len"], spec["tgt_len"], spec["reverse"]
    order = list(range(src, 0, -1)) if reverse else list(range(1, src + 1))
    tokens = [g.add(f"src{k}", "token", words("token"), f"x_{{{j}}}", step=k, position=j, stack="encoder",
                    shape=TOKEN)
              for k, j in enumerate(order, start=1)]
    tokens.append(g.add(f"src{src + 1}", "token", words("phrase.seq2seq-eos-token"), EOS, step=src + 1,
                        eos=True, stack="encoder", shape=TOKEN))
    enc = [g.add(f"enc{k}", "hidden-state", words("hidden-state"), f"h_{{{k}}}", step=k, stack="encoder",
                 shape=STATE)
           for k in range(1, src + 2)]
    for tok, h in zip(tokens, enc, strict=True):
        g.link(tok, h)
    g.chain(*enc, role="recurrent")
    v = g.add("context", "context", words("context"), "v", fixed=True)
    g.link(enc[-1], v)

    ins = [g.add("tgt_in1", "token", words("phrase.seq2seq-eos-token"), EOS, step=1, eos=True, stack="decoder",
                 shape=TOKEN)]
    ins += [g.add(f"tgt_in{t}", "token", words("phrase.seq2seq-decoder-input"), f"y_{{{t - 1}}}", step=t,
                  stack="decoder", shape=TOKEN) for t in range(2, tgt + 1)]
    dec = [g.add(f"dec{t}", "hidden-state", words("hidden-state"), f"s_{{{t}}}", step=t, stack="decoder",
                 shape=STATE)
           for t in range(1, tgt + 1)]
    soft = [g.add(f"softmax{t}", "softmax", words("softmax"), "", step=t, stack="decoder", width="V")
            for t in range(1, tgt + 1)]
    outs = [g.add(f"y{t}", "output", words("output"), f"y_{{{t}}}", step=t, stack="decoder")
            for t in range(1, tgt + 1)]
    g.link(v, dec[0], "recurrent", "s_0 = v")
    g.chain(*dec, role="recurrent")
    for t in range(tgt):
        g.link(ins[t], dec[t])
        g.chain(dec[t], soft[t], outs[t])
        if t + 1 < tgt:
            g.link(outs[t], ins[t + 1], "data", feedback=True)

    g.group("encoder", words("encoder"), [*tokens, *enc, v], role="encoder")
    # Encoder left, decoder right, one column per step (d2l's seq2seq figure); v stands above the encoder's
    # last state on its way to the decoder, and two-word names take two lines, so the figure fits a page.
    g.wrap = WRAP
    g.group("decoder", words("decoder"), [*ins, *dec, *soft, *outs], role="decoder")
    g.ranks += [[*tokens, *ins], [*enc, *dec], soft, outs]
    year = registry.arch("seq2seq").year
    key = "phrase.seq2seq-none-title-reversed" if reverse else "phrase.seq2seq-none-title"
    title = words(key, year=year, src=src, tgt=tgt)
    order_text = words("phrase.seq2seq-order-reversed" if reverse else "phrase.seq2seq-order-original")
    desc = words("phrase.seq2seq-none-desc", year=year, src=src, tgt=tgt, order=order_text)
    return finish(g, spec, title, desc)


def _bahdanau(spec: Spec, registry: Registry, words: Words) -> Graph:
    g = new_graph(spec, "BT")
    src = spec["src_len"]
    positions = range(1, src + 1)
    tokens = [g.add(f"src{j}", "token", words("token"), f"x_{{{j}}}", step=j, stack="encoder", shape=TOKEN)
              for j in positions]
    fwd = [g.add(f"fwd{j}", "hidden-state", words("forward-state"), f"h→_{{{j}}}", step=j, direction="fwd",
                 stack="encoder", shape=STATE) for j in positions]
    bwd = [g.add(f"bwd{j}", "hidden-state", words("backward-state"), f"h←_{{{j}}}", step=j, direction="bwd",
                 stack="encoder", shape=STATE) for j in positions]
    ann = [g.add(f"ann{j}", "concat", words("annotation"), f"h_{{{j}}} = [h→_{{{j}}}; h←_{{{j}}}]", step=j,
                 annotation=True, stack="encoder") for j in positions]
    for j in range(src):
        g.link(tokens[j], fwd[j])
        g.link(tokens[j], bwd[j])
        g.link(fwd[j], ann[j])
        g.link(bwd[j], ann[j])
    g.chain(*fwd, role="recurrent")
    for earlier, later in pairwise(bwd):
        g.link(later, earlier, "recurrent", reverse=True)  # runs right to left, laid out in reading order

    u_as: list[str] = []
    adds: list[str] = []
    tanhs: list[str] = []
    scores: list[str] = []
    for j in positions:
        u_a = g.add(f"u_a{j}", "linear", words("linear"), f"U_a h_{{{j}}}", weight="U_a", step=j,
                    width="d_h")
        add = g.add(f"add{j}", "elementwise-add", words("elementwise-add"), "", step=j)
        tanh = g.add(f"tanh{j}", "activation", words("activation.tanh"), "", fn="tanh", step=j)
        v_a = g.add(f"v_a{j}", "linear", words("alignment-score"), f"e_{{i{j}}} = v_a^⊤ tanh(·)", weight="v_a",
                    score=True, step=j, width="1")
        g.link(ann[j - 1], u_a)
        g.link(u_a, add)
        g.chain(add, tanh, v_a)
        u_as.append(u_a)
        adds.append(add)
        tanhs.append(tanh)
        scores.append(v_a)
    # The decoder, made after the encoder's columns so that Graphviz puts it to their right.
    s_prev = g.add("s_prev", "hidden-state", words("phrase.seq2seq-previous-state"), "s_{i-1}", query=True,
                   step="i-1", stack="decoder", shape=STATE)
    y_prev = g.add("y_prev", "token", words("phrase.seq2seq-decoder-input"), "y_{i-1}", step="i",
                   stack="decoder", shape=TOKEN)
    w_a = g.add("w_a", "linear", words("linear"), "W_a s_{i-1}", weight="W_a", width="d_h")
    g.link(s_prev, w_a, query=True, back=True)  # runs down from the decoder, beside the stack
    for add in adds:
        # W_a s_{i-1} is broadcast to every column: as constraint edges this fan-out would make dot shuffle
        # the columns for T_x >= 4, so it does not pull on the layout (`back`).
        g.link(w_a, add, back=True)
    # the scores of all S positions in one softmax; the context is a weighted sum of annotations [h→; h←]
    soft = g.add("softmax", "softmax", words("softmax"), "", shape=("B", "S"))
    alpha = g.add("alpha", "attention-weights", words("attention-weights"), _weights("α_{i", src))
    ctx = g.add("context", "context", words("context"), "c_i = Σ_j α_{ij} h_j", step="i", shape=("B", "2d_h"))
    for v_a in scores:
        g.link(v_a, soft)
    g.chain(soft, alpha, ctx)
    for j in positions:
        g.link(ann[j - 1], ctx, label=f"h_{{{j}}}")
    s_i = g.add("s_i", "hidden-state", words("phrase.seq2seq-decoder-state"), "s_i = f(s_{i-1}, y_{i-1}, c_i)",
                step="i", stack="decoder", shape=STATE)
    y_i = g.add("y_i", "output", words("output"), "y_i", step="i", stack="decoder", width="V")
    g.link(s_prev, s_i, "recurrent")
    g.link(y_prev, s_i)
    g.link(ctx, s_i)
    g.link(s_i, y_i, label="g(y_{i-1}, s_i, c_i)")

    # No encoder cluster: inside one, dot does not keep positions 1 … T_x in left-to-right order.
    g.group("decoder", words("decoder"), [s_prev, y_prev, s_i, y_i], role="decoder", last=True)
    # The encoder a grid as d2l's bidirectional RNN: one column per source position, the backward row above
    # the forward row, the annotations above both. The score MLP, the same for every position, is one stack
    # (FIGURES.md §5–6): the annotations and the query W_a s_{i-1} each reach it once, and one score per
    # position stands in a row above it. The decoder stands to the right.
    g.ranks += [tokens, fwd, bwd]
    g.stacks += [Stack(u_as, f"U_a h_{{1…{src}}}"), Stack(adds, ""), Stack(tanhs, "")]
    g.rows += [ann, scores, [u_as[0], w_a], [ctx, s_i], [soft, s_prev]]
    if src <= 3:
        # Every h_j on its way to c_i passes the U_a stack on one side, crossing the inputs of the stack from
        # the annotations beyond it on that side. Over the last annotation, the stack leaves only h_T on its
        # right (crossing the query's way in, W_a s_{i-1} → +) and h_1 … h_{T-1} on its left, which for
        # T_x ≤ 3 is the fewest crossings; from T_x = 4 on, dot's own balance of the two sides reaches that floor
        # (within one at T_x = 7), and a column would only fight it.
        g.columns.append([ann[-1], u_as[0]])
    g.above.append((s_prev, y_prev))  # the decoder a narrow column: s_{i-1}, y_{i-1}, s_i, y_i
    g.wrap, g.nodesep = WRAP, min(NODESEP, 0.6 / src)  # T_x + 1 columns share the page
    g.above += list(zip(fwd, bwd, strict=True))
    arch = registry.arch("bahdanau")
    title = words("phrase.seq2seq-bahdanau-title", name=words.short("bahdanau"), year=arch.year,
                  venue=arch.venue, src=src)
    desc = words("phrase.seq2seq-bahdanau-desc", year=arch.year, venue=arch.venue, src=src)
    return finish(g, spec, title, desc)


def _luong(spec: Spec, registry: Registry, words: Words) -> Graph:
    g = new_graph(spec, "BT")
    src = spec["src_len"]
    positions = range(1, src + 1)
    h_bar = f"h{BAR}"
    h_tilde = f"h{TILDE}"
    tokens = [g.add(f"src{s}", "token", words("token"), f"x_{{{s}}}", step=s, stack="encoder", shape=TOKEN)
              for s in positions]
    enc = [g.add(f"enc{s}", "hidden-state", words("phrase.seq2seq-encoder-state"), f"{h_bar}_{{{s}}}", step=s,
                 stack="encoder", shape=STATE) for s in positions]
    for tok, h in zip(tokens, enc, strict=True):
        g.link(tok, h)
    g.chain(*enc, role="recurrent")

    y_prev = g.add("y_prev", "token", words("phrase.seq2seq-decoder-input"), "y_{t-1}", step="t",
                   stack="decoder", shape=TOKEN)
    feed = g.add("feed", "concat", words("concat"), f"[y_{{t-1}}; {h_tilde}_{{t-1}}]", step="t", stack="decoder",
                 shape=FED)
    h_prev = g.add("h_prev", "hidden-state", words("phrase.seq2seq-previous-state"), "h_{t-1}", step="t-1",
                   stack="decoder", shape=STATE)
    h_t = g.add("h_t", "hidden-state", words("phrase.seq2seq-decoder-state"), "h_t", query=True, step="t",
                stack="decoder", shape=STATE)
    g.chain(y_prev, feed, h_t)
    g.link(h_prev, h_t, "recurrent")

    score = g.add("score", "matmul", words("alignment-score"), f"score(h_t, {h_bar}_s) = h_t^⊤ W_a {h_bar}_s",
                  score="general", shape=("B", "S"))
    g.link(h_t, score, query=True)
    for s in positions:
        g.link(enc[s - 1], score)
    soft = g.add("softmax", "softmax", words("softmax"), "")
    alpha = g.add("alpha", "attention-weights", words("attention-weights"), _weights("a_t(", src, ")"))
    ctx = g.add("context", "context", words("context"), f"c_t = Σ_s a_t(s) {h_bar}_s", step="t", shape=STATE)
    g.chain(score, soft, alpha, ctx)
    for s in positions:
        g.link(enc[s - 1], ctx, label=f"{h_bar}_{{{s}}}")
    cat = g.add("concat", "concat", words("concat"), "[c_t; h_t]", step="t", stack="decoder")
    w_c = g.add("w_c", "linear", words("linear"), "W_c", weight="W_c", stack="decoder", width="d_h")
    tanh = g.add("tanh", "activation", words("activation.tanh"), "", fn="tanh", stack="decoder")
    att = g.add("h_tilde", "hidden-state", words("attentional-hidden-state"), f"{h_tilde}_t", attentional=True,
                step="t", stack="decoder")
    out_soft = g.add("out_softmax", "softmax", words("softmax"), f"W_s {h_tilde}_t", stack="decoder", width="V")
    y_t = g.add("y_t", "output", words("output"), "y_t", step="t", stack="decoder")
    feed_next = g.add("feed_next", "concat", words("phrase.seq2seq-next-input"), f"[y_t; {h_tilde}_t]",
                      step="t+1", stack="decoder", shape=FED)
    g.link(ctx, cat)
    g.link(h_t, cat)
    g.chain(cat, w_c, tanh, att, out_soft, y_t)
    g.link(y_t, feed_next, feedback=True)
    g.link(att, feed_next, label=words("phrase.seq2seq-input-feeding"), input_feeding=True)

    g.group("decoder", words("decoder"), [y_prev, feed, h_prev, h_t, cat, w_c, tanh, att, out_soft, y_t, feed_next],
            role="decoder")
    g.ranks += [tokens, enc]
    g.wrap, g.nodesep = WRAP, NODESEP
    arch = registry.arch("luong")
    title = words("phrase.seq2seq-luong-title", name=words.short("luong"), year=arch.year, src=src)
    desc = words("phrase.seq2seq-luong-desc", year=arch.year, src=src)
    return finish(g, spec, title, desc)


def _weights(head: str, count: int, tail: str = "}") -> str:
    """``α_{i1} … α_{iN}``: the whole weight vector in one label (one node keeps dot's columns in order)."""
    first, last = f"{head}1{tail}", f"{head}{count}{tail}"
    return first if count == 1 else f"{first} … {last}"


SUBJECT = Subject(
    name="seq2seq",
    help="RNN encoder–decoder: fixed context vector (Sutskever 2014) or Bahdanau / Luong attention",
    own_params=PARAMS,
    build=build,
    validate=_validate,
    # Feedback y_t → next input crosses the decoder's state row once per step after the first. Bahdanau: the
    # encoder is the bidirectional grid of ``rnn`` (see its budget), 2 (T_x - 1) crossings at the least: every
    # input but one reaching the upper chain crosses the lower one and every lower state but one reaching its
    # annotation crosses the upper chain. Above the annotations, the h_j on their way to c_i pass the U_a stack
    # left or right, and h_j crosses the stack's input from every annotation it passes (at least 1 for T_x = 3,
    # 2 for T_x = 4); those on the decoder's side also cross the query's way in, W_a s_{i-1} → + (1, 2).
    crossings={"seq2seq": 2, "seq2seq reverse=false": 2, "seq2seq src_len=4 tgt_len=2": 1,
               "seq2seq attention=bahdanau": 6, "seq2seq attention=bahdanau src_len=4": 10,
               "seq2seq attention=luong": 2},
    examples=(
        "seq2seq",
        "seq2seq reverse=false",
        "seq2seq src_len=4 tgt_len=2",
        "seq2seq attention=bahdanau",
        "seq2seq attention=bahdanau src_len=4",
        "seq2seq attention=luong",
    ),
)
