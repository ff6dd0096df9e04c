"""The generated reference lists what the code accepts, the overlay schema and the worked overlay example hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from registry_helpers import write_overlay

from seqdiagrams import cli
from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.gallery import block_in, examples
from seqdiagrams.reference import (
    SHARED_KEYS,
    cli_page,
    diagnostics_page,
    examples_of_diagnostics,
    gallery_page,
    overlay_fields_page,
    registry_page,
    subjects_page,
)
from seqdiagrams.registry import DATA_DIR, Registry
from seqdiagrams.registry.overlay_schema import overlay_schema
from seqdiagrams.registry.schema import CLAIM_STATUSES, RegistryData
from seqdiagrams.scan import scan_markdown

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_OVERLAY = ROOT / "docs" / "src" / "authoring" / "overlay-example.yaml"


def listed(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    """The first column of what ``seqdiagrams list ARGV`` prints: the names it reports."""
    assert cli.main(["list", *argv]) == 0
    return [line.split()[0] for line in capsys.readouterr().out.splitlines() if line.strip()]


def sections(page: str) -> dict[str, str]:
    """A page's level-2 sections by their anchor (``{#id}``) or heading text."""
    found: dict[str, str] = {}
    for part in re.split(r"^## ", page, flags=re.M)[1:]:
        heading, _, body = part.partition("\n")
        anchor = re.search(r"\{#([^}]+)\}", heading)
        found[anchor.group(1) if anchor else heading.strip()] = body
    return found


def table_keys(text: str) -> set[str]:
    """The code-spanned first cells of a section's table rows (``| `unroll` | …``)."""
    return set(re.findall(r"^\| (?:<span[^>]*></span>)?`([^`]+)` \|", text, flags=re.M))


def test_reference_lists_every_subject_and_key_that_list_reports(capsys):
    page = sections(subjects_page())
    for subject in listed(capsys, "subjects"):
        own = page[f"subject-{subject}"]
        linked = {group for group, _, _ in SHARED_KEYS if f"](#{group})" in own}
        documented = table_keys(own).union(*(table_keys(page[group]) for group in linked))
        keys = listed(capsys, "keys", subject)
        assert keys, subject
        assert set(keys) <= documented, (subject, set(keys) - documented)


def test_a_shared_group_is_linked_only_where_all_its_keys_are_taken(capsys):
    """A subject whose own key replaces a shared one (``mamba``'s ``steps``) documents it in its own table."""
    page = sections(subjects_page())
    shared = {group: dict(params) for group, _, params in SHARED_KEYS}
    for subject in listed(capsys, "subjects"):
        keys = set(listed(capsys, "keys", subject))
        own = table_keys(page[f"subject-{subject}"])
        for group, params in shared.items():
            if f"](#{group})" in page[f"subject-{subject}"]:
                assert set(params) <= keys, (subject, group)
        assert own <= keys, subject


def test_reference_lists_every_architecture_and_dimension_that_list_reports(capsys):
    page = sections(registry_page(Registry.default()))
    assert set(listed(capsys, "archs")) == table_keys(page["archs"])
    assert set(listed(capsys, "dims")) == table_keys(page["dims"])


def test_reference_lists_every_formula_set_table_event_era_and_source():
    data = Registry.default().data
    page = sections(registry_page(Registry.default()))
    assert table_keys(page["formula-sets"]) == set(data.formula_sets)
    assert table_keys(page["tables"]) == set(data.tables)
    assert table_keys(page["eras"]) == set(data.eras)
    assert table_keys(page["sources"]) == set(data.sources)
    rows = [line for line in page["events"].splitlines() if re.match(r"^\| \d{4} \|", line)]
    assert len(rows) == len(data.events)
    for row, event in zip(rows, data.events, strict=True):
        assert row.startswith(f"| {event.year} | {event.label.en}<br>{event.label.zh} |")


def test_every_diagnostic_example_has_the_subtype_it_documents():
    found = examples_of_diagnostics(Registry.default())
    assert list(found) == list(Subtype)
    for subtype, (cause, diagnostic) in found.items():
        assert diagnostic.subtype is subtype, (subtype, cause, diagnostic)
        assert diagnostic.loc.line >= 1 and diagnostic.loc.path, subtype  # located, not "<block>"


def test_diagnostics_page_shows_each_message_as_a_user_sees_it():
    page = diagnostics_page(Registry.default())
    unknown = sections(page)["`unknown_key`"]
    assert "page.md:12:13: unknown key `unrol` for subject `rnn` (did you mean `unroll`?)" in unknown
    assert set(sections(page)) == {f"`{subtype.value}`" for subtype in Subtype}


def test_gallery_page_renders_each_example_once_and_shows_its_source():
    for lang in ("en", "zh"):
        page = gallery_page(lang)
        blocks = scan_markdown(page)
        written = [block_in(block, lang) for _, block in examples()]
        assert [(b.info.strip() + ("\n" + b.body if b.body.strip() else "")).rstrip() for b in blocks] == [
            w.rstrip("\n") for w in written]
        for block in written:  # the source, in a longer fence that is shown, not rendered
            assert f"````markdown\n```seqarch {block.partition(chr(10))[0]}" in page


def test_cli_page_has_every_command():
    page = cli_page()
    parser = cli._parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert {f"`seqdiagrams {name}`" for name in commands} == set(sections(page))
    assert "schema" in commands


def test_overlay_fields_page_documents_every_field_of_every_model():
    page = sections(overlay_fields_page())
    for name, model in RegistryData.model_json_schema()["$defs"].items():
        assert table_keys(page[name.lower()]) == set(model["properties"]), name
    assert table_keys(page["sections"]) == set(RegistryData.model_fields)
    assert table_keys(page["claim-statuses"]) == set(CLAIM_STATUSES)


# -- the overlay schema -----------------------------------------------------------------------------------------------

def test_schema_requires_nothing_an_overlay_may_leave_to_the_packaged_data():
    """An overlay changing one field of a packaged entry is valid: required fields are the merged registry's."""
    assert '"required"' not in json.dumps(overlay_schema())
    assert "required" in RegistryData.model_json_schema()["$defs"]["Arch"]


def test_schema_command_prints_the_generated_schema(capsys):
    assert cli.main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == overlay_schema()


def test_schema_validates_every_packaged_file_and_the_example_overlay():
    jsonschema = pytest.importorskip("jsonschema")
    validator_class = jsonschema.Draft202012Validator
    validator_class.check_schema(overlay_schema())
    validator = validator_class(overlay_schema())
    for path in [*sorted(DATA_DIR.glob("*.yaml")), EXAMPLE_OVERLAY]:
        errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]
        assert errors == [], path.name


def test_schema_rejects_what_the_registry_rejects():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(overlay_schema())
    for bad in ({"dims": {"year": {"label": {"en": "y", "zh": "y"}, "status": "fact", "values": {}}}},
                {"archs": {"rnn": {"name": {"fr": "x"}}}},
                {"archs": {"rnn": {"year": "1990"}}},
                {"events": [{"year": 1800, "first_appearance": "x", "label": {"en": "x", "zh": "x"}, "venue": "x",
                             "sources": ["ELM90"]}]},
                {"unknown_section": {}}):
        assert list(validator.iter_errors(bad)), bad


def test_registry_round_trips_through_its_models():
    """Without jsonschema the models are the contract: the merged data survives a JSON round trip unchanged."""
    data = Registry.load([EXAMPLE_OVERLAY]).data
    assert RegistryData.model_validate(json.loads(data.model_dump_json())) == data


# -- the worked example ---------------------------------------------------------------------------------------------

def test_example_overlay_adds_an_architecture_a_dimension_and_an_event():
    packaged = Registry.default().data
    merged = Registry.load([EXAMPLE_OVERLAY])
    assert merged.arch("minlstm").year == 2024
    assert set(merged.dims()) - set(packaged.dims) == {"gates-read-state"}
    assert merged.dims()["year"].values["minlstm"].en == "2024 (arXiv)"  # merged into a packaged row
    assert merged.dims()["year"].values["rnn"] == packaged.dims["year"].values["rnn"]
    assert merged.dims()["year"].sources == (*packaged.dims["year"].sources, "FEN24")  # a list: given whole
    # `events` is a list, so the overlay repeats the packaged events: they must stay the same, plus one
    assert merged.events()[:-1] == packaged.events
    assert merged.events()[-1].arch == "minlstm"


def test_example_overlay_draws_its_rows(capsys):
    assert cli.main(["render", "table archs=lstm,gru,minlstm dims=gates-read-state", "--format", "json",
                     "--registry", str(EXAMPLE_OVERLAY)]) == 0
    table = json.loads(capsys.readouterr().out)
    assert [arch["id"] for arch in table["archs"]] == ["lstm", "gru", "minlstm"]
    assert table["rows"][0]["source"] == ["HS97", "CHO14", "FEN24"]


def test_unknown_claim_status_lists_the_statuses_and_their_meanings(tmp_path):
    path = write_overlay(tmp_path, "dims:\n  year:\n    status: 'fact'\n")
    with pytest.raises(SpecError) as caught:
        Registry.load([path])
    diagnostic = caught.value.diagnostic
    assert diagnostic.subtype is Subtype.REGISTRY
    assert (diagnostic.loc.line, diagnostic.loc.col) == (3, 13)
    assert "unknown claim status `fact`" in diagnostic.message
    for status, meaning in CLAIM_STATUSES.items():
        assert f"`{status}` = {meaning}" in diagnostic.message
    assert "pattern" not in diagnostic.message
