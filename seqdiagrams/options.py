"""Site-wide options, declared once and mapped onto every host's configuration.

Each field carries its help text and allowed values in its metadata. The Python-Markdown
extension config (``[default, help]`` pairs) and the MkDocs ``PluginConfig`` are generated
from this dataclass, so a new option is added in one place and no default is written twice.
Validation returns located, host-neutral messages; each host decides how to report them.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any


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
