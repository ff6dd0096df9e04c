"""``seqdiagrams regen``: marked regions of Markdown files regenerated, everything else kept byte for byte."""

from __future__ import annotations

import codecs
import stat
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqdiagrams import regen
from seqdiagrams.cli import main
from seqdiagrams.regen import STALE, regen_bytes, regen_text
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import render_spec
from seqdiagrams.spec import parse

ROOT = Path(__file__).resolve().parents[1]
BLOCK = "table archs=rnn,transformer dims=path-length"
OTHER = "table kind=vaswani-table1 lang=zh"


def md(block: str) -> str:
    return str(render_spec(parse(block), "md", Registry.default()))


def generated(block: str, eol: str = "\n", indent: str = "") -> str:
    """What regen writes between the marker lines: a blank line, the rendering, a blank line."""
    lines = md(block).rstrip("\n").split("\n")
    return eol + "".join((indent + line if line else "") + eol for line in lines) + eol


def page(inner: str = "stale\n", block: str = BLOCK) -> str:
    return f"# Title\n\nIntro.\n\n<!-- seqarch {block} -->\n{inner}<!-- /seqarch -->\n\nOutro.\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


# -- round trip through the command --------------------------------------------------------------------


def test_stale_then_regenerated_then_check_clean(tmp_path, capsys):
    doc = write(tmp_path / "doc.md", page())
    code, out, _ = run(capsys, "regen", str(doc), "--check")
    assert (code, out) == (1, f"{doc}:5: {STALE}\n")
    assert doc.read_text(encoding="utf-8") == page()  # --check writes nothing
    assert run(capsys, "regen", str(doc))[0] == 0
    assert doc.read_text(encoding="utf-8") == page(generated(BLOCK))
    assert run(capsys, "regen", str(doc), "--check")[:2] == (0, "")


def test_generated_region_is_the_markdown_rendering(tmp_path, capsys):
    doc = write(tmp_path / "doc.md", page(""))
    run(capsys, "regen", str(doc))
    assert doc.read_text(encoding="utf-8") == (
        "# Title\n\nIntro.\n\n"
        f"<!-- seqarch {BLOCK} -->\n"
        "\n"
        "| dimension | RNN | Transformer |\n"
        "|---|---|---|\n"
        "| max path between positions | $O(n)$ | $O(1)$ |\n"
        "\n"
        "<!-- /seqarch -->\n\nOutro.\n")


def test_check_exit_codes(tmp_path, capsys):
    fresh = write(tmp_path / "fresh.md", page(generated(BLOCK)))
    stale = write(tmp_path / "stale.md", page())
    plain = write(tmp_path / "plain.md", "no markers here\n")
    assert run(capsys, "regen", "--check", str(fresh), str(plain))[0] == 0
    code, out, _ = run(capsys, "regen", "--check", str(tmp_path))
    assert code == 1
    assert out == f"{stale}:5: {STALE}\n"
    assert run(capsys, "regen", "--check", str(tmp_path / "missing.md"))[0] == 2


def test_every_stale_region_is_listed(tmp_path, capsys):
    doc = write(tmp_path / "doc.md", page() + f"<!-- seqarch {OTHER} -->\nold\n<!-- /seqarch -->\n")
    code, out, _ = run(capsys, "regen", "--check", str(doc))
    assert code == 1
    assert out.splitlines() == [f"{doc}:5: {STALE}", f"{doc}:10: {STALE}"]


def test_folders_are_searched_for_markdown_only(tmp_path, capsys):
    write(tmp_path / "a.md", page())
    write(tmp_path / "sub" / "b.markdown", page()) if (tmp_path / "sub").mkdir() is None else None
    write(tmp_path / "notes.txt", page())
    (tmp_path / "site").mkdir()
    write(tmp_path / "site" / "built.md", page())
    run(capsys, "regen", str(tmp_path))
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == page(generated(BLOCK))
    assert (tmp_path / "sub" / "b.markdown").read_text(encoding="utf-8") == page(generated(BLOCK))
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == page()
    assert (tmp_path / "site" / "built.md").read_text(encoding="utf-8") == page()


def test_up_to_date_file_is_not_written(tmp_path, capsys, monkeypatch):
    doc = write(tmp_path / "doc.md", page(generated(BLOCK)))
    monkeypatch.setattr(regen, "write_atomic", lambda *a: pytest.fail("an up-to-date file was written"))
    assert run(capsys, "regen", str(doc))[0] == 0


def test_atomic_write_leaves_no_temp_files_and_keeps_the_mode(tmp_path, capsys):
    doc = write(tmp_path / "doc.md", page())
    doc.chmod(0o640)
    run(capsys, "regen", str(doc))
    assert [p.name for p in tmp_path.iterdir()] == ["doc.md"]
    assert stat.S_IMODE(doc.stat().st_mode) == 0o640


def test_failed_write_leaves_the_file_and_no_temp_file(tmp_path, monkeypatch):
    doc = write(tmp_path / "doc.md", page())

    def broken_replace(self, target):
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        regen.regen_file(doc, Registry.default())
    assert doc.read_text(encoding="utf-8") == page()
    assert [p.name for p in tmp_path.iterdir()] == ["doc.md"]


def test_symlinked_file_is_written_through(tmp_path, capsys):
    target = write(tmp_path / "real.md", page())
    link = tmp_path / "link.md"
    link.symlink_to(target)
    run(capsys, "regen", str(link))
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == page(generated(BLOCK))


# -- byte-for-byte preservation ------------------------------------------------------------------------


def test_crlf_and_bom_are_kept(registry):
    text = page().replace("\n", "\r\n")
    new, outcome = regen_bytes(codecs.BOM_UTF8 + text.encode(), registry)
    assert outcome.stale == [5]
    assert new == codecs.BOM_UTF8 + page(generated(BLOCK)).replace("\n", "\r\n").encode()


def test_invalid_utf8_outside_the_markers_is_kept(registry):
    data = b"caf\xe9 latin-1\n" + page().encode() + b"\xff\xfe tail"
    new, _ = regen_bytes(data, registry)
    assert new == b"caf\xe9 latin-1\n" + page(generated(BLOCK)).encode() + b"\xff\xfe tail"


def test_utf16_file_stays_utf16(registry):
    data = codecs.BOM_UTF16_LE + page().encode("utf-16-le")
    new, _ = regen_bytes(data, registry)
    assert new == codecs.BOM_UTF16_LE + page(generated(BLOCK)).encode("utf-16-le")


def test_indented_marker_indents_the_generated_lines(registry):
    text = f"- item\n\n  <!-- seqarch {BLOCK} -->\n  <!-- /seqarch -->\n"
    outcome = regen_text(text, registry)
    assert outcome.text == f"- item\n\n  <!-- seqarch {BLOCK} -->\n{generated(BLOCK, indent='  ')}  <!-- /seqarch -->\n"


def test_markers_in_code_are_ignored(registry):
    text = ("```markdown\n<!-- seqarch table -->\nold\n<!-- /seqarch -->\n```\n\n"
            "~~~~\n<!-- seqarch nonsense ===\n~~~~\n\n"
            "Indented code:\n\n    <!-- seqarch table -->\n    <!-- /seqarch -->\n")
    outcome = regen_text(text, registry)
    assert (outcome.text, outcome.regions, outcome.errors) == (text, 0, [])


def test_other_comments_and_inline_markers_are_left_alone(registry):
    text = "<!-- a comment -->\ntext <!-- seqarch table --> inline\n<!-- seqarchive -->\n<!--\nmulti\n-->\n"
    assert regen_text(text, registry).text == text


# -- errors: located, file untouched -------------------------------------------------------------------


def errors_of(text: str, registry: Registry) -> list[str]:
    outcome = regen_text(text, registry, "doc.md")
    assert outcome.text == text
    return [d.format() for d in outcome.errors]


def test_unclosed_marker_is_located(tmp_path, capsys):
    text = "intro\n\n  <!-- seqarch table -->\nold\n"
    doc = write(tmp_path / "doc.md", text)
    code, out, _ = run(capsys, "regen", str(doc))
    assert code == 1
    assert out == f"{doc}:3:3: unclosed seqarch marker (end the region with a `<!-- /seqarch -->` line)\n"
    assert doc.read_text(encoding="utf-8") == text


def test_nested_marker_is_an_error(registry):
    text = f"<!-- seqarch {BLOCK} -->\n<!-- seqarch {BLOCK} -->\n<!-- /seqarch -->\n<!-- /seqarch -->\n"
    [nested, stray] = errors_of(text, registry)
    assert nested.startswith("doc.md:2:1: a seqarch marker inside another marker's region")
    assert stray.startswith("doc.md:4:1: closing seqarch marker without an opening one")


def test_bad_info_string_is_located_and_stops_the_whole_file(registry):
    text = page() + "<!-- seqarch table archs=rnn unroll=3 -->\n<!-- /seqarch -->\n"
    [error] = errors_of(text, registry)
    assert error.startswith("doc.md:10:30: unknown key `unroll` for subject `table`")


@pytest.mark.parametrize(("line", "expected"), [
    ("<!-- seqarch table", "doc.md:1:1: a seqarch marker must open and close on one line"),
    ("<!-- seqarch table --> and more", "doc.md:1:23: text after a seqarch marker"),
    ("<!-- seqarch -->", "doc.md:1:13: expected a subject name after `seqarch`"),
    ("<!-- seqarch rnn unroll=3 -->", "doc.md:1:14: `rnn` has no Markdown rendering"),
    ('<!-- seqarch table caption="x -->', "doc.md:1:28: unterminated \" quote"),
])
def test_malformed_markers(line, expected, registry):
    errors = errors_of(f"{line}\nbody\n<!-- /seqarch -->\n", registry)
    assert errors[0].startswith(expected)


def test_unknown_arch_is_reported_at_render_time(tmp_path, capsys):
    doc = write(tmp_path / "doc.md", page(block="table archs=rnn,lstn"))
    code, out, _ = run(capsys, "regen", "--check", str(doc))
    assert code == 1
    assert out.startswith(f"{doc}:5:20: unknown architecture `lstn` in `archs` (did you mean `lstm`?)")


# -- property: random surroundings are preserved exactly ----------------------------------------------

TRICKY = ["<!-- seqarch table -->", "<!-- /seqarch -->", "<!-- seqarch nonsense ===", "```", "~~~", "    code",
          "| a | b |", "<!--", "-->", "\ufeff", "\u2028", "$x$", "- item", "> quote"]
CHARS = st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from("\t `~<!->|$*_"))
LINE = st.one_of(st.text(CHARS, max_size=24), st.sampled_from(TRICKY),
                 st.builds(lambda a, b: a + b, st.text(CHARS, max_size=6), st.sampled_from(TRICKY)))
EOL = st.sampled_from(["\n", "\r\n"])


def plain(line: str) -> str:
    """A line that cannot open a fence or comment (which would swallow the markers around it)."""
    return "x" + line if line.lstrip(" \t").startswith(("```", "~~~", "<!--")) else line


@st.composite
def surroundings(draw, last: bool = False) -> str:
    """Random text: plain lines, and fenced blocks whose content looks like markers."""
    out = ""
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            fence = draw(st.sampled_from(["```", "~~~~"]))
            body = draw(st.lists(st.one_of(LINE.map(plain), st.sampled_from(TRICKY[:3])), max_size=3))
            lines = [fence + "text", *(b for b in body if not b.lstrip(" \t").startswith(fence[:3])), fence]
        else:
            lines = [plain(draw(LINE))]
        out += "".join(line + draw(EOL) for line in lines)
    if last and draw(st.booleans()):
        out += plain(draw(LINE)).rstrip("\r\n")  # a last line without a line ending
    return out


@st.composite
def documents(draw) -> tuple[list[str], list[str], list[str]]:
    """``(outside, inner, eols)``: text around and between two marker pairs, and the opening markers' EOLs."""
    eols = [draw(EOL), draw(EOL)]
    outside = [draw(surroundings()), draw(surroundings()), draw(surroundings(last=True))]
    inner = ["".join(plain(line) + draw(EOL) for line in draw(st.lists(LINE, max_size=3))) for _ in range(2)]
    outside[0] += f"<!-- seqarch {BLOCK} -->" + eols[0]
    outside[1] = f"<!-- /seqarch -->{draw(EOL)}" + outside[1] + f"<!-- seqarch {OTHER} -->" + eols[1]
    outside[2] = f"<!-- /seqarch -->{draw(EOL)}" + outside[2]
    return outside, inner, eols


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.booleans())
def test_text_outside_the_markers_is_preserved_byte_for_byte(doc, bom):
    outside, inner, eols = doc
    registry = Registry.default()
    prefix = codecs.BOM_UTF8 if bom else b""
    text = outside[0] + inner[0] + outside[1] + inner[1] + outside[2]
    expected = outside[0] + generated(BLOCK, eols[0]) + outside[1] + generated(OTHER, eols[1]) + outside[2]
    new, outcome = regen_bytes(prefix + text.encode(), registry, "doc.md")
    assert outcome.errors == []
    assert outcome.regions == 2
    assert new == prefix + expected.encode()
    again, second = regen_bytes(new, registry, "doc.md")  # idempotent: --check is clean afterwards
    assert (again, second.stale) == (new, [])


# -- pre-commit hook -----------------------------------------------------------------------------------


def test_pre_commit_hook_definition():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "seqdiagrams-regen"
    assert hook["entry"] == "seqdiagrams regen --check"
    assert hook["files"] == r"\.md$"


# -- language: --lang, the site's mkdocs.yml, the file's front matter -----------------------------------


def site_config(tmp_path: Path, options: str) -> Path:
    return write(tmp_path / "mkdocs.yml", f"site_name: S\ntheme: {{name: material}}\nplugins:\n  - search\n"
                                           f"  - seqdiagrams:\n{options}")


def test_lang_option_sets_the_default_and_a_marker_lang_wins(tmp_path, capsys):
    doc = write(tmp_path / "doc.md", page() + "\n" + page(block=BLOCK + " lang=en"))
    assert run(capsys, "regen", str(doc), "--lang", "zh")[0] == 0
    assert doc.read_text(encoding="utf-8") == (page(generated(BLOCK + " lang=zh")) + "\n"
                                               + page(generated(BLOCK + " lang=en"), BLOCK + " lang=en"))
    assert run(capsys, "regen", str(doc), "--lang", "zh", "--check")[:2] == (0, "")
    assert run(capsys, "regen", str(doc), "--check")[0] == 1  # English by default: stale


def test_config_file_gives_the_site_lang_and_overlays(tmp_path, capsys):
    overlay = write(tmp_path / "names.yaml", "dims:\n  path-length:\n    label: {en: 'longest path', zh: '最长路径'}\n")
    config = site_config(tmp_path, "      lang: zh\n      registry: [names.yaml]\n")
    (tmp_path / "docs").mkdir()
    doc = write(tmp_path / "docs" / "doc.md", page())
    assert run(capsys, "regen", str(doc), "--config-file", str(config))[0] == 0
    expected = str(render_spec(parse(BLOCK + " lang=zh"), "md", Registry.load([overlay])))
    assert "最长路径" in expected
    assert doc.read_text(encoding="utf-8") == page("\n" + expected.rstrip("\n") + "\n\n")
    # --lang wins over the site's lang
    assert run(capsys, "regen", str(doc), "--config-file", str(config), "--lang", "en")[0] == 0
    assert "longest path" in doc.read_text(encoding="utf-8")


def test_front_matter_lang_wins_over_the_default(tmp_path, capsys):
    doc = write(tmp_path / "doc.md", "---\ntitle: T\nlang: zh-CN\n---\n" + page())
    assert run(capsys, "regen", str(doc), "--lang", "en")[0] == 0
    assert doc.read_text(encoding="utf-8") == "---\ntitle: T\nlang: zh-CN\n---\n" + page(generated(BLOCK + " lang=zh"))


def test_config_file_without_our_plugin_or_with_env_tags(tmp_path, capsys):
    config = write(tmp_path / "mkdocs.yml", "site_name: S\nplugins:\n  - seqdiagrams:\n"
                                            "      enabled: !ENV [SEQDIAGRAMS, true]\n")
    doc = write(tmp_path / "doc.md", page())
    assert run(capsys, "regen", str(doc), "--config-file", str(config))[0] == 0
    assert doc.read_text(encoding="utf-8") == page(generated(BLOCK))


def test_bad_lang_in_config_file_is_located(tmp_path, capsys):
    config = site_config(tmp_path, "      lang: fr\n")
    doc = write(tmp_path / "doc.md", page())
    code, _, err = run(capsys, "regen", str(doc), "--config-file", str(config))
    assert code == 1
    assert err.startswith(f"{config}:6:13: option `lang` must be one of en, zh, got `fr`")
    assert doc.read_text(encoding="utf-8") == page()


def test_missing_config_file_is_a_usage_error(tmp_path, capsys):
    doc = write(tmp_path / "doc.md", page())
    code, _, err = run(capsys, "regen", str(doc), "--config-file", str(tmp_path / "nope.yml"))
    assert code == 2 and "no such file or folder" in err
