"""The ``seqdiagrams`` command: render, list, check; exit codes 0 ok, 1 invalid, 2 usage (DESIGN.md §4)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from seqdiagrams.cli import main
from seqdiagrams.subjects import SUBJECT_MODULES, module_of

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"

MISSING_SUBJECTS = [name for name in SUBJECT_MODULES
                    if importlib.util.find_spec(module_of(name)) is None]
needs_all_subjects = pytest.mark.skipif(
    bool(MISSING_SUBJECTS),
    reason=f"`list` imports every subject; not written yet: {', '.join(MISSING_SUBJECTS)}",
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- render -----------------------------------------------------------------------------------------


def test_render_dot(capsys):
    code, out, err = run(capsys, "render", "rnn unroll=3", "--format", "dot")
    assert (code, err) == (0, "")
    assert out.startswith("digraph seqdiagram {")
    assert out.rstrip().endswith("}")


def test_render_ir_json(capsys):
    code, out, _ = run(capsys, "render", "rnn unroll=3", "--format", "ir-json")
    data = json.loads(out)
    assert code == 0
    assert data["subject"] == "rnn"
    assert data["params"]["unroll"] == 3
    assert {"nodes", "edges", "clusters"} <= data.keys()
    assert sum(n["role"] == "input" for n in data["nodes"]) == 3


def test_render_svg_to_stdout(capsys):
    code, out, _ = run(capsys, "render", "rnn unroll=3", "--format", "svg")
    assert code == 0
    root = ET.fromstring(out)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"


def test_render_svg_is_the_default_format(capsys):
    assert run(capsys, "render", "rnn")[1].startswith("<svg")


def test_render_html(capsys):
    code, out, _ = run(capsys, "render", "rnn unroll=3", "--format", "html")
    root = ET.fromstring(out)
    assert code == 0
    assert root.tag == "figure"
    assert root.find(f"{SVG}svg") is not None
    assert root.find("figcaption").text


def test_render_png_to_file(capsys, tmp_path):
    target = tmp_path / "rnn.png"
    code, out, _ = run(capsys, "render", "rnn unroll=3", "--format", "png", "-o", str(target))
    assert (code, out) == (0, "")
    assert target.read_bytes().startswith(PNG_MAGIC)


def test_render_svg_to_file(capsys, tmp_path):
    target = tmp_path / "rnn.svg"
    code, out, _ = run(capsys, "render", "lstm", "--output", str(target))
    assert (code, out) == (0, "")
    assert ET.fromstring(target.read_text(encoding="utf-8")).get("role") == "img"


def test_lang_option_gives_chinese_labels(capsys):
    _, out, _ = run(capsys, "render", "rnn unroll=3", "--format", "svg", "--lang", "zh")
    assert "隐藏状态" in out
    assert "hidden state" not in out


def test_block_lang_wins_over_lang_option(capsys):
    _, out, _ = run(capsys, "render", "rnn unroll=3 lang=en", "--format", "svg", "--lang", "zh")
    assert "hidden state" in out
    assert "隐藏状态" not in out


def test_leading_seqarch_word_is_accepted(capsys):
    _, plain, _ = run(capsys, "render", "rnn unroll=3", "--format", "dot")
    code, prefixed, _ = run(capsys, "render", "seqarch rnn unroll=3", "--format", "dot")
    assert code == 0
    assert prefixed == plain


@pytest.mark.parametrize(("block", "expected"), [
    ("rnn unrol=3", "<block>:1:5: unknown key `unrol` for subject `rnn` (did you mean `unroll`?)"),
    ("seqarch rnn unrol=3", "<block>:1:13: unknown key `unrol` for subject `rnn` (did you mean `unroll`?)"),
    ("rnnn", "<block>:1:1: unknown subject `rnnn` (did you mean `rnn`?)"),
    ("rnn unroll=17", "<block>:1:12: `unroll` must be between 1 and 16, got 17 (use a value from 1 to 16)"),
])
def test_bad_block_exits_1_with_located_message(capsys, block, expected):
    code, out, err = run(capsys, "render", block, "--format", "dot")
    assert (code, out) == (1, "")
    assert err.strip() == expected


@pytest.mark.parametrize("argv", [
    pytest.param([], id="no-command"),
    pytest.param(["render"], id="no-block"),
    pytest.param(["render", "rnn", "--format", "gif"], id="bad-format"),
    pytest.param(["render", "rnn", "--lang", "fr"], id="bad-lang"),
    pytest.param(["frobnicate"], id="unknown-command"),
    pytest.param(["list", "everything"], id="bad-list-choice"),
    pytest.param(["check"], id="check-without-path"),
])
def test_usage_error_exits_2(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_bad_registry_overlay_exits_1(capsys, tmp_path):
    bad = tmp_path / "reg.yaml"
    bad.write_text("archs:\n  rnn:\n    year: soon\n", encoding="utf-8")
    code, _, err = run(capsys, "render", "rnn", "--format", "dot", "--registry", str(bad))
    assert code == 1
    assert err.startswith(f"{bad}:3:")


# -- list -----------------------------------------------------------------------------------------------


@needs_all_subjects
def test_list_subjects(capsys):
    code, out, _ = run(capsys, "list", "subjects")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == list(SUBJECT_MODULES)


@needs_all_subjects
def test_list_is_subjects_by_default(capsys):
    assert run(capsys, "list")[1] == run(capsys, "list", "subjects")[1]


@needs_all_subjects
def test_list_keys_of_a_subject(capsys):
    code, out, _ = run(capsys, "list", "keys", "rnn")
    keys = {line.split()[0]: line for line in out.splitlines()}
    assert code == 0
    assert {"unroll", "layers", "bidirectional", "outputs", "variant", "lang", "caption"} <= keys.keys()
    assert "integer 1–16" in keys["unroll"]
    assert "all|last|none" in keys["outputs"]


@needs_all_subjects
def test_list_keys_spells_defaults_and_choices_as_a_block_writes_them(capsys):
    """Issue 12 item 22: no Python `False`, no empty first choice `|LR|…`."""
    _, out, _ = run(capsys, "list", "keys", "rnn")
    keys = {line.split()[0]: line.split() for line in out.splitlines()}
    assert keys["bidirectional"][1:4] == ["true|false", "default", "false"]
    assert keys["direction"][1:4] == ["LR|TB|BT|RL", "default", "-"]
    assert keys["highlight"][keys["highlight"].index("default") + 1] == "-"
    assert "False" not in out and "True" not in out


def test_unknown_subject_followed_by_a_bare_key_is_a_located_error(capsys):
    """Issue 12 item 13: `lsmt peephole` once escaped as `KeyError: 'lsmt'` with a traceback."""
    code, out, err = run(capsys, "render", "lsmt peephole")
    assert (code, out) == (1, "")
    assert err == "<block>:1:1: unknown subject `lsmt` (did you mean `lstm`?)\n"


@needs_all_subjects
def test_list_keys_without_subject_exits_2(capsys):
    code, out, err = run(capsys, "list", "keys")
    assert (code, out) == (2, "")
    assert "needs a subject" in err


@needs_all_subjects
def test_list_archs(capsys):
    code, out, _ = run(capsys, "list", "archs")
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert code == 0
    assert "1997" in lines["lstm"]
    assert "长短期记忆网络" in lines["lstm"]
    assert "2017" in lines["transformer"]


@needs_all_subjects
def test_list_dims(capsys):
    code, out, _ = run(capsys, "list", "dims")
    assert code == 0
    assert len(out.splitlines()) >= 3
    assert all(" / " in line for line in out.splitlines())


# -- check ------------------------------------------------------------------------------------------------


@pytest.fixture
def docs(tmp_path):
    (tmp_path / "good.md").write_text("# Good\n\n```seqarch rnn unroll=3\n```\n", encoding="utf-8")
    (tmp_path / "bad.md").write_text("Intro\n\n!!! note\n    ```seqarch rnn unrol=3\n    ```\n", encoding="utf-8")
    (tmp_path / "page.rst").write_text("T\n=\n\n.. seqarch:: lstm\n   :view: unrolled\n", encoding="utf-8")
    (tmp_path / "notes.py").write_text("```seqarch rnnn\n```\n", encoding="utf-8")  # not a doc file
    return tmp_path


def test_check_reports_bad_blocks_and_exits_1(capsys, docs):
    code, out, err = run(capsys, "check", str(docs))
    assert code == 1
    assert out.splitlines() == [
        f"{docs / 'bad.md'}:4:20: unknown key `unrol` for subject `rnn` (did you mean `unroll`?)",
    ]
    assert err.strip() == "seqdiagrams: 3 block(s) in 3 file(s), 1 error(s), 0 warning(s)"


def test_check_all_good_exits_0(capsys, docs):
    code, out, err = run(capsys, "check", str(docs / "good.md"), str(docs / "page.rst"))
    assert (code, out) == (0, "")
    assert "2 block(s) in 2 file(s), 0 error(s)" in err


def test_check_reports_cross_field_errors_in_rst(capsys, tmp_path):
    page = tmp_path / "page.rst"
    page.write_text(".. seqarch:: lstm\n   :unroll: 3\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(page))
    assert code == 1
    assert out.startswith(f"{page}:2:4: `unroll` applies to view=unrolled")


def test_check_skips_build_folders(capsys, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "bad.md").write_text("```seqarch rnnn\n```\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(tmp_path))
    assert (code, out) == (0, "")
    assert "0 block(s) in 0 file(s)" in err


def test_check_missing_path_exits_2(capsys, tmp_path):
    missing = tmp_path / "nope"
    code, out, err = run(capsys, "check", str(missing))
    assert (code, out) == (2, "")
    assert f"no such file or folder: {missing}" in err


# -- the module entry point ------------------------------------------------------------------------------


def test_python_m_seqdiagrams_help():
    result = subprocess.run([sys.executable, "-m", "seqdiagrams", "--help"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: seqdiagrams")
    assert "render" in result.stdout and "check" in result.stdout
