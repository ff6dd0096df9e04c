"""The block grammar (DESIGN.md §1): values, the YAML body, defaults, identity, and every located error."""

from __future__ import annotations

import hashlib
import importlib.util
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqdiagrams.errors import Diagnostic, Location, SpecError, Subtype
from seqdiagrams.params import MAX_LIST
from seqdiagrams.shapes import SIZES
from seqdiagrams.spec import MAX_BLOCK_BYTES, MAX_INFO_CHARS, parse

ORIGIN = Location("page.md", 10, 5)



def _within_two_seconds(test):
    """A time budget where pytest-timeout is installed; elsewhere the test only checks the error."""
    return pytest.mark.timeout(2)(test) if importlib.util.find_spec("pytest_timeout") else test


def error_of(block: str, origin: Location | None = None) -> Diagnostic:
    """The diagnostic that parsing ``block`` raises."""
    with pytest.raises(SpecError) as info:
        parse(block, origin)
    assert str(info.value) == info.value.diagnostic.format()
    return info.value.diagnostic


# -- values ---------------------------------------------------------------------------------------


def test_bare_values_are_converted_to_their_types():
    spec = parse("rnn unroll=3 layers=2 outputs=last caption=plain")
    assert (spec["unroll"], spec["layers"], spec["outputs"], spec["caption"]) == (3, 2, "last", "plain")


def test_double_quoted_value_keeps_spaces_and_unescapes_quotes():
    assert parse(r'rnn caption="a \"quoted\" word"')["caption"] == 'a "quoted" word'


def test_double_quoted_value_unescapes_backslashes_and_keeps_other_escapes():
    assert parse(r'rnn caption="C:\\dir \n"')["caption"] == "C:\\dir \\n"


def test_single_quoted_value_keeps_spaces_and_double_quotes():
    assert parse("rnn title='it is \"fine\"' caption='x y'")["title"] == 'it is "fine"'


def test_single_quoted_value_unescapes_single_quotes():
    assert parse(r"rnn title='Elman\'s net'")["title"] == "Elman's net"


def test_empty_quoted_value_is_empty_text():
    assert parse('rnn caption=""')["caption"] == ""


def test_comma_list_is_split_and_stripped():
    assert parse("compare archs=rnn,lstm,gru")["archs"] == ("rnn", "lstm", "gru")
    assert parse('compare archs="rnn, lstm"')["archs"] == ("rnn", "lstm")


@pytest.mark.parametrize(("raw", "value"), [
    ("true", True), ("false", False), ("yes", True), ("no", False), ("on", True), ("off", False),
    ("1", True), ("0", False), ("TRUE", True), ("No", False),
])
def test_boolean_spellings(raw, value):
    assert parse(f"rnn bidirectional={raw}")["bidirectional"] is value


def test_boolean_rejects_other_words():
    diag = error_of("rnn bidirectional=whynot")
    assert (diag.subtype, diag.loc.line, diag.loc.col) == (Subtype.BAD_VALUE, 1, 19)
    assert "`true` or `false`" in diag.message
    assert "whynot" in diag.message


@pytest.mark.parametrize("block", ["seqarch rnn unroll=3", "rnn unroll=3", "  seqarch   rnn   unroll=3  "])
def test_leading_seqarch_word_is_optional(block):
    spec = parse(block)
    assert (spec.subject, spec["unroll"]) == ("rnn", 3)


# -- the YAML body --------------------------------------------------------------------------------


def test_body_keys_and_lists():
    spec = parse("rnn\nunroll: 4\nhighlight: [x1, h1_1]\ncaption: from the body")
    assert spec["unroll"] == 4
    assert spec["highlight"] == ("x1", "h1_1")
    assert spec["caption"] == "from the body"


def test_body_block_style_list():
    assert parse("compare\narchs:\n  - rnn\n  - gru\n")["archs"] == ("rnn", "gru")


def test_info_string_wins_over_body():
    spec = parse("rnn unroll=3\nunroll: 5\nlayers: 2")
    assert (spec["unroll"], spec["layers"]) == (3, 2)


def test_blank_body_is_no_body():
    assert parse("rnn unroll=3\n\n   \n").given == frozenset({"unroll"})


def test_defaults_are_filled_in():
    spec = parse("rnn")
    assert spec.given == frozenset()
    assert dict(spec.params) == {
        "lang": "en", "caption": "", "title": "", "direction": "", "theme": "auto", "highlight": (), "id": "",
        "unroll": 1, "layers": 1, "bidirectional": False, "outputs": "all", "variant": "elman",
        "shapes": False, **dict.fromkeys(SIZES, 0),
        "steps": False, "animate": False, "step_seconds": 1.5,
    }


def test_given_keys_and_their_locations():
    spec = parse("rnn unroll=3\nlayers: 2", ORIGIN)
    assert spec.given == frozenset({"unroll", "layers"})
    assert spec.location_of("unroll") == Location("page.md", 10, 9)
    assert spec.location_of("layers") == Location("page.md", 11, 1)
    assert spec.location_of("outputs") == ORIGIN


def test_spec_is_immutable():
    spec = parse("rnn")
    with pytest.raises(TypeError):
        spec.params["unroll"] = 5  # type: ignore[index]


# -- identity ---------------------------------------------------------------------------------------


def test_canonical_is_sorted_compact_json_of_subject_and_params():
    canonical = parse("rnn unroll=3").canonical()
    data = json.loads(canonical)
    assert data["subject"] == "rnn"
    assert data["params"]["unroll"] == 3
    assert data["params"]["highlight"] == []
    assert canonical == json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def test_digest_is_a_short_hash_of_canonical():
    spec = parse("rnn unroll=3")
    assert spec.digest() == hashlib.sha256(spec.canonical().encode()).hexdigest()[:12]


@pytest.mark.parametrize(("block", "origin"), [
    ("rnn layers=2 unroll=3", None),
    ("seqarch rnn unroll=3 layers=2", Location("other.md", 99, 7)),
    ("rnn\nlayers: 2\nunroll: 3", None),
    ("rnn unroll=3\nlayers: 2", ORIGIN),
    ("rnn unroll=3 layers=2 outputs=all", None),
])
def test_identity_ignores_key_order_location_and_spelling(block, origin):
    reference = parse("rnn unroll=3 layers=2")
    spec = parse(block, origin)
    assert spec.canonical() == reference.canonical()
    assert spec.digest() == reference.digest()


def test_different_parameters_give_different_digests():
    assert parse("rnn unroll=3").digest() != parse("rnn unroll=4").digest()
    assert parse("lstm").digest() != parse("gru").digest()


# -- errors: (block, subtype, line, col, text in message, hint or None) --------------------------------

LONG = "x" * 201

ERRORS = [
    pytest.param("rnnn", Subtype.UNKNOWN_SUBJECT, 1, 1, "unknown subject `rnnn`", "did you mean `rnn`?",
                 id="unknown-subject"),
    pytest.param("seqarch rnnn", Subtype.UNKNOWN_SUBJECT, 1, 9, "unknown subject `rnnn`", "did you mean `rnn`?",
                 id="unknown-subject-after-seqarch"),
    pytest.param("seqarch", Subtype.SYNTAX, 1, 8, "expected a subject name", "seqarch rnn unroll=3",
                 id="no-subject"),
    pytest.param("lsmt peephole", Subtype.UNKNOWN_SUBJECT, 1, 1, "unknown subject `lsmt`", "did you mean `lstm`?",
                 id="unknown-subject-then-bare-key"),
    pytest.param("gru\ntitle: \"GRU \\ud83d\"", Subtype.BAD_VALUE, 2, 1, "lone UTF-16 surrogate", "\\U0001F680",
                 id="lone-surrogate-escape-in-body"),
    pytest.param("gru\n\"\\udc00\": 1", Subtype.BAD_VALUE, 2, 1, "lone UTF-16 surrogate", "\\U0001F680",
                 id="lone-surrogate-escape-in-body-key"),
    pytest.param("gru caption=\ud83d", Subtype.BAD_VALUE, 1, 1, "lone UTF-16 surrogate", "\\U0001F680",
                 id="lone-surrogate-in-info"),
    pytest.param("rnn; unroll=3", Subtype.SYNTAX, 1, 4, "unexpected `;` after the subject", None,
                 id="junk-after-subject"),
    pytest.param("rnn unrol=3", Subtype.UNKNOWN_KEY, 1, 5, "unknown key `unrol` for subject `rnn`",
                 "did you mean `unroll`?", id="unknown-key"),
    pytest.param("rnn outputs=lst", Subtype.BAD_VALUE, 1, 13, "`outputs` expects one of all|last|none, got `lst`",
                 "did you mean `last`?", id="bad-enum"),
    pytest.param("rnn unroll=0", Subtype.OUT_OF_RANGE, 1, 12, "`unroll` must be between 1 and 16, got 0",
                 "use a value from 1 to 16", id="int-below"),
    pytest.param("rnn unroll=17", Subtype.OUT_OF_RANGE, 1, 12, "`unroll` must be between 1 and 16, got 17",
                 "use a value from 1 to 16", id="int-above"),
    pytest.param("rnn unroll=three", Subtype.BAD_VALUE, 1, 12, "`unroll` expects a whole number from 1 to 16",
                 None, id="not-an-int"),
    pytest.param('rnn caption="abc', Subtype.SYNTAX, 1, 13, 'unterminated " quote', 'close the value with "',
                 id="unterminated-double"),
    pytest.param("rnn layers=2 title='abc", Subtype.SYNTAX, 1, 20, "unterminated ' quote",
                 "close the value with '", id="unterminated-single"),
    pytest.param('rnn caption=ab"c', Subtype.SYNTAX, 1, 15, "quote inside an unquoted value",
                 'quote the whole value: key="a b"', id="quote-in-bare-value"),
    pytest.param('rnn caption="a"b', Subtype.SYNTAX, 1, 16, "unexpected `b` after a quoted value",
                 "separate pairs with a space", id="junk-after-quote"),
    pytest.param("rnn bidirectional", Subtype.SYNTAX, 1, 5, "`bidirectional` has no value",
                 "write `bidirectional=true`", id="missing-equals-bool"),
    pytest.param("rnn unroll", Subtype.SYNTAX, 1, 5, "`unroll` has no value", "write `key=value`",
                 id="missing-equals"),
    pytest.param("rnn =3", Subtype.SYNTAX, 1, 5, "expected `key=value`, found `=`", None, id="missing-key"),
    pytest.param("rnn unroll=", Subtype.SYNTAX, 1, 12, "`unroll=` has an empty value",
                 'use key="" for an empty text', id="empty-value"),
    pytest.param("rnn unroll=3 unroll=4", Subtype.SYNTAX, 1, 14, "key `unroll` is given twice", None,
                 id="duplicate-key"),
    pytest.param(f"rnn caption={LONG}", Subtype.TOO_LARGE, 1, 13, "`caption` is 201 characters long; the limit is 200",
                 None, id="text-too-long"),
    pytest.param("compare archs=rnn", Subtype.OUT_OF_RANGE, 1, 15, "`archs` needs 2 to 4 items, got 1", None,
                 id="too-few-items"),
    pytest.param("compare archs=rnn,lsmt", Subtype.BAD_VALUE, 1, 15, "got `lsmt`", "did you mean `lstm`?",
                 id="list-item-not-a-choice"),
    pytest.param('rnn caption="a\x01b"', Subtype.BAD_VALUE, 1, 13, "text without control characters", None,
                 id="control-char-in-info"),
    pytest.param("rnn\ncaption: \"a\\u0007b\"", Subtype.BAD_VALUE, 2, 1, "text without control characters", None,
                 id="control-char-in-body"),
    pytest.param("rnn\nunrol: 3", Subtype.UNKNOWN_KEY, 2, 1, "unknown key `unrol`", "did you mean `unroll`?",
                 id="unknown-body-key"),
    pytest.param("rnn\nunroll: 0", Subtype.OUT_OF_RANGE, 2, 1, "between 1 and 16", "use a value from 1 to 16",
                 id="body-out-of-range"),
    pytest.param("rnn\n- unroll\n- 3", Subtype.YAML, 2, 1, "must be a YAML mapping", "for example `unroll: 3`",
                 id="body-not-a-mapping"),
    pytest.param("rnn\nlayers: 2\nunroll: [", Subtype.YAML, 3, 10, "cannot read the YAML body", None,
                 id="body-syntax-error"),
    pytest.param("rnn\ncaption: &c hi\ntitle: *c", Subtype.YAML, 2, 10, "anchors and aliases are not allowed",
                 "write values out in full", id="body-anchor"),
    pytest.param("rnn\nhighlight: " + "[" * 9 + "x" + "]" * 9, Subtype.YAML, 2, 19, "nested deeper than 8 levels",
                 None, id="body-too-deep"),
    pytest.param("rnn\ncaption: {a: 1}", Subtype.YAML, 2, 1, "a list of values or a list of mappings",
                 None, id="body-value-is-mapping"),
    pytest.param("rnn\nunroll: 3\nunroll: 4", Subtype.YAML, 3, 1, "body keys must be distinct", None,
                 id="body-duplicate-key"),
    pytest.param("rnn variant=jordan layers=2", Subtype.BAD_VALUE, 1, 5, "Jordan variant is drawn as one",
                 "use variant=elman", id="rnn-jordan-layers"),
    pytest.param("rnn variant=jordan outputs=last", Subtype.BAD_VALUE, 1, 20, "every step has one",
                 "remove `outputs`", id="rnn-jordan-outputs"),
    pytest.param("lstm unroll=3", Subtype.BAD_VALUE, 1, 6, "`unroll` applies to view=unrolled", "add view=unrolled",
                 id="lstm-unroll-without-view"),
    pytest.param("lstm view=unrolled peephole=true", Subtype.BAD_VALUE, 1, 20, "peepholes are drawn in the cell view",
                 "use view=cell", id="lstm-peephole-unrolled"),
    pytest.param("gru unroll=3", Subtype.BAD_VALUE, 1, 5, "`unroll` applies to view=unrolled", "add view=unrolled",
                 id="gru-unroll-without-view"),
]


@pytest.mark.parametrize(("block", "subtype", "line", "col", "message", "hint"), ERRORS)
def test_error_is_located_and_explained(block, subtype, line, col, message, hint):
    diag = error_of(block)
    assert diag.subtype is subtype
    assert (diag.loc.path, diag.loc.line, diag.loc.col) == (None, line, col)
    assert message in diag.message
    if hint is None:
        assert diag.hint is None
    else:
        assert hint in diag.hint


def test_out_of_range_names_both_bounds():
    for block in ("rnn unroll=0", "rnn unroll=17"):
        diag = error_of(block)
        assert "1" in diag.message and "16" in diag.message


def test_text_at_the_limit_is_accepted():
    assert len(parse(f"rnn caption={'x' * 200}")["caption"]) == 200


def test_tab_is_allowed_in_text():
    assert parse('rnn caption="a\tb"')["caption"] == "a\tb"


def test_too_many_list_items_is_an_error():
    items = ",".join(f"n{i}" for i in range(MAX_LIST + 1))
    diag = error_of(f"rnn highlight={items}")
    assert (diag.loc.line, diag.loc.col) == (1, 15)
    assert f"got {MAX_LIST + 1}" in diag.message


def test_too_many_list_items_is_too_large():
    items = ",".join(f"n{i}" for i in range(MAX_LIST + 1))
    assert error_of(f"rnn highlight={items}").subtype is Subtype.TOO_LARGE


def test_block_over_64_kib_is_rejected_at_the_origin():
    block = "rnn\n" + "caption: x\n" * (MAX_BLOCK_BYTES // 11 + 1)
    diag = error_of(block, ORIGIN)
    assert diag.subtype is Subtype.TOO_LARGE
    assert diag.loc == ORIGIN
    assert "64 KiB" in diag.message


def test_block_size_counts_utf8_bytes():
    block = "rnn\ncaption: " + "隐" * (MAX_BLOCK_BYTES // 3)  # fewer characters than the limit, more bytes
    assert len(block) < MAX_BLOCK_BYTES
    assert error_of(block).subtype is Subtype.TOO_LARGE


def test_info_string_over_2000_chars_is_rejected():
    diag = error_of("rnn caption=" + "x" * MAX_INFO_CHARS, ORIGIN)
    assert diag.subtype is Subtype.TOO_LARGE
    assert diag.loc == ORIGIN
    assert "2000" in diag.message
    assert diag.hint == "move long values into the YAML body"


def _alias_bomb(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        lines.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]")
    return "rnn\n" + "\n".join(lines) + "\ncaption: *l8\n"


@_within_two_seconds
def test_alias_bomb_is_rejected():
    diag = error_of(_alias_bomb())
    assert diag.subtype is Subtype.YAML
    assert "anchors and aliases" in diag.message
    assert (diag.loc.line, diag.loc.col) == (2, 5)


def test_nesting_at_the_limit_passes_the_depth_check():
    # 8 levels (the body mapping + 7 lists) are read; the value is then rejected as not a flat list
    with pytest.raises(SpecError) as info:
        parse("rnn\nhighlight: " + "[" * 7 + "x" + "]" * 7)
    assert "deeper" not in info.value.diagnostic.message
    assert "list of values" in info.value.diagnostic.message


# -- locations relative to an origin in the user's file -------------------------------------------------


@pytest.mark.parametrize(("block", "line", "col"), [
    pytest.param("rnnn", 10, 5, id="subject"),
    pytest.param("rnn unrol=3", 10, 9, id="key"),
    pytest.param("seqarch rnn unroll=0", 10, 24, id="value-after-seqarch"),
    pytest.param('rnn caption="abc', 10, 17, id="quote"),
    pytest.param("rnn\nunrol: 3", 11, 1, id="body-key"),
    pytest.param("rnn unroll=3\n\n  layers: 9", 12, 3, id="body-key-indented"),
    pytest.param("rnn\nlayers: 2\nunroll: [", 12, 10, id="body-yaml-error"),
    pytest.param("rnn\ncaption: &c hi", 11, 10, id="body-anchor"),
])
def test_error_location_is_offset_by_the_origin(block, line, col):
    """The origin is where the block's first character sits; body lines start at column 1 of later lines."""
    diag = error_of(block, ORIGIN)
    assert diag.loc == Location("page.md", line, col)
    assert diag.format().startswith(f"page.md:{line}:{col}: ")


# -- known bugs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["", "no", "010"])
def test_body_text_value_is_taken_as_written(written):
    assert parse(f"rnn\ncaption: {written}")["caption"] == written


def test_escaped_surrogate_pair_in_body_is_the_character_it_encodes():
    """Issue 12 item 14: YAML decodes `\\ud83d\\ude80` to two halves, which once broke `Spec.digest`."""
    spec = parse('gru\ntitle: "GRU \\ud83d\\ude80"')
    assert spec["title"] == "GRU \N{ROCKET}"
    assert spec.digest() == parse("gru\ntitle: GRU \N{ROCKET}").digest()


def test_direction_choices_do_not_offer_the_empty_value():
    diag = error_of("rnn direction=XY")
    assert diag.message == "`direction` expects one of LR|TB|BT|RL, got `XY`"
    assert diag.hint == "expected one of: `BT`, `LR`, `RL`, `TB`"


@pytest.mark.parametrize("brk", ["\x85", "\u2028", "\u2029"])
def test_yaml_error_lines_are_the_pages_lines(brk: str) -> None:
    """YAML breaks lines at NEL/LS/PS too; the page does not, so an error once pointed below the block."""
    diag = error_of(f"rnn\ncaption: a{brk}b: [", ORIGIN)
    assert diag.subtype is Subtype.YAML
    assert (diag.loc.line, diag.loc.col) == (11, len(f"caption: a{brk}b: [") + 1)


@pytest.mark.parametrize(("block", "echo"), [
    ('rnn outputs="\x1b[31mred"', "got `\\x1b[31mred`"),
    ('rnn outputs="a\u202eb"', "got `a\\u202eb`"),
    ("rnn \x01", "found `\\x01`"),
    ("rnn outputs=隐藏", "got `隐藏`"),
])
def test_diagnostics_quote_invisible_characters_as_escapes(block: str, echo: str) -> None:
    """A message is printed to terminals and logs: what the user wrote is shown, never obeyed."""
    assert echo in error_of(block).message


# -- aliases (issue 12 item 20) ------------------------------------------------------------------------


@pytest.mark.parametrize(("block", "key", "value"), [
    ("transformer variant=gpt", "variant", "decoder-only"),
    ("transformer variant=BERT", "variant", "encoder-only"),
    ("transformer variant=t5", "variant", "encoder-decoder"),
    ("compare archs=gpt,bert,t5", "archs", ("decoder-only", "encoder-only", "transformer")),
    ("table archs=rnn,GPT", "archs", ("rnn", "decoder-only")),
    ("timeline archs=bert", "archs", ("encoder-only",)),
    ("complexity archs=rnn,t5", "archs", ("rnn", "transformer")),
])
def test_aliases_are_stored_as_the_names_they_stand_for(block: str, key: str, value: object) -> None:
    spec = parse(block)
    assert spec[key] == value
    canonical = ",".join(value) if isinstance(value, tuple) else value
    assert spec.digest() == parse(block.split("=")[0] + "=" + canonical).digest()  # one figure, one cache entry


def test_architecture_aliases_name_registry_architectures_and_shadow_none(registry) -> None:
    from seqdiagrams.params import ARCH_ALIASES
    from seqdiagrams.subjects import SUBJECT_MODULES

    for alias, arch in ARCH_ALIASES:
        assert arch in registry.data.archs
        assert alias not in registry.data.archs and alias not in SUBJECT_MODULES
        assert alias == alias.lower()


@pytest.mark.parametrize(("block", "hint"), [
    ("transformer variant=gtp", "did you mean `gpt`?"),
    ("compare archs=rnn,brt", "did you mean `bert`?"),
    ("rnn outputs=LAST", "did you mean `last`?"),
])
def test_did_you_mean_knows_aliases_and_forgives_case(block: str, hint: str) -> None:
    assert error_of(block).hint == hint


def test_a_plotted_list_does_not_take_an_alias_of_what_it_cannot_plot() -> None:
    diag = error_of("complexity archs=gpt")
    assert diag.message == "`archs` expects items from rnn|lstm|gru|transformer|mamba, got `gpt`"


# -- property -------------------------------------------------------------------------------------------

CAPTIONS = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=200)


@settings(database=None, max_examples=200, deadline=None)
@given(CAPTIONS)
def test_any_caption_round_trips_through_a_double_quoted_value(caption):
    escaped = caption.replace("\\", "\\\\").replace('"', '\\"')
    assert parse(f'rnn caption="{escaped}" unroll=2')["caption"] == caption
