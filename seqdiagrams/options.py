"""Site-wide options, declared once and mapped onto every host's configuration.

Each field carries its help text and allowed values in its metadata. The Python-Markdown
extension config (``[default, help]`` pairs) and the MkDocs ``PluginConfig`` are generated
from this dataclass, so a new option is added in one place and no default is written twice.
Validation returns located, host-neutral messages; each host decides how to report them.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import TYPE_CHECKING, Any

import yaml

from seqdiagrams.errors import Location, SpecError, Subtype

if TYPE_CHECKING:
    from pathlib import Path


def _opt(default: Any, help: str, choices: tuple[Any, ...] = ()) -> Any:
    return field(default=default, metadata={"help": help, "choices": choices})


@dataclass(frozen=True)
class SiteOptions:
    """Options shared by the Markdown extension, the MkDocs plugin and the Sphinx extension."""

    lang: str = _opt("en", "Default language of labels, captions and alt text (a block's lang= wins).",
                     ("en", "zh"))
    theme: str = _opt("auto", "Diagram colours: follow the site's light/dark scheme, or force one.",
                      ("auto", "light", "dark"))
    registry: tuple[str, ...] = _opt((), "Registry overlay YAML files that add or override entries.")
    cache_dir: str = _opt("", "Folder for the layout cache; empty: `.cache/seqdiagrams` beside the config.")
    strict: bool | None = _opt(None, "Fail on a bad block; unset: follow the host's strict mode.",
                               (None, True, False))
    katex: str = _opt("blocks", "KaTeX at build time for formula blocks only (`blocks`), or also for the page's "
                      "own math, $…$, $$…$$ and pymdownx.arithmatex output (`page`): no client-side math.",
                      ("blocks", "page"))

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> SiteOptions:
        """Build from host config values, raising ``ValueError`` naming the bad option."""
        known = {f.name: f for f in fields(cls)}
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise ValueError(f"unknown seqdiagrams option `{key}`; known: {', '.join(known)}")
            choices = known[key].metadata["choices"]
            if choices and value not in choices:
                raise ValueError(f"option `{key}` must be one of {', '.join(map(str, choices))}, got `{value}`")
            if key == "registry":
                value = (value,) if isinstance(value, str) else tuple(str(v) for v in value or ())
            clean[key] = value
        return cls(**clean)

    @classmethod
    def markdown_config(cls) -> dict[str, list[Any]]:
        """The ``{name: [default, help]}`` shape Python-Markdown extensions declare."""
        out = {}
        for f in fields(cls):
            default = f.default if f.default is not MISSING else None
            out[f.name] = [default, f.metadata["help"]]
        return out


def page_lang(value: object) -> str | None:
    """A page's front matter ``lang`` as one of our languages (``zh-CN`` → ``zh``), or None.

    Other languages leave the site's default in place: a page in French still gets English labels.
    """
    if not isinstance(value, str):
        return None
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    choices = next(f for f in fields(SiteOptions) if f.name == "lang").metadata["choices"]
    return primary if primary in choices else None


@dataclass(frozen=True)
class PluginEntry:
    """The ``seqdiagrams`` entry of a ``mkdocs.yml``: its options as written, and where each is written."""

    values: dict[str, Any]
    where: dict[str, Location]
    """The location of each option's value; ``""``: the entry itself (or the file when there is none)."""


def read_mkdocs_plugin(config_file: Path) -> PluginEntry:
    """Our plugin's entry in ``config_file`` (a ``mkdocs.yml``), for tools outside a MkDocs build.

    Tags MkDocs adds (``!ENV``, ``!relative``) read as unset; an ``INHERIT``-ed parent file is not
    followed. Raises a located :class:`SpecError` when the file cannot be read as YAML.
    """
    file_loc = Location(str(config_file))
    try:
        text = config_file.read_text(encoding="utf-8-sig")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except OSError as exc:
        raise SpecError.at(Subtype.SYNTAX, f"cannot read the MkDocs configuration: {exc.strerror}", file_loc) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = Location(str(config_file), mark.line + 1, mark.column + 1) if mark else file_loc
        raise SpecError.at(Subtype.YAML, f"invalid YAML: {getattr(exc, 'problem', exc)}", loc) from None
    plugins = _child(root, "plugins")
    entries = plugins.value if isinstance(plugins, yaml.SequenceNode) else [plugins] if plugins is not None else []
    for entry in entries:
        ours = _child(entry, "seqdiagrams")
        if ours is None:
            continue
        where = {"": _loc(config_file, ours)}
        values: dict[str, Any] = {}
        if isinstance(ours, yaml.MappingNode):
            for key, value in ours.value:
                where[key.value] = _loc(config_file, value)
                values[key.value] = yaml.load(yaml.serialize(value), Loader=_Tolerant)
        return PluginEntry(values, where)
    return PluginEntry({}, {"": file_loc})


class _Tolerant(yaml.SafeLoader):
    """A safe loader that reads MkDocs' own tags (``!ENV`` …) as unset values."""


_Tolerant.add_multi_constructor("!", lambda loader, suffix, node: None)


def _child(node: Any, key: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        return next((value for name, value in node.value if name.value == key), None)
    if isinstance(node, yaml.ScalarNode) and node.value == key:
        return node  # `- seqdiagrams` with no options
    return None


def _loc(config_file: Path, node: Any) -> Location:
    return Location(str(config_file), node.start_mark.line + 1, node.start_mark.column + 1)
