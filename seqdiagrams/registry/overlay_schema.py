"""The JSON Schema of registry overlay files, generated from the registry's pydantic models.

Editors validate an overlay with it (``# yaml-language-server: $schema=overlay.schema.json``); the command
``seqdiagrams schema`` prints it and the documentation site publishes it.
"""

from __future__ import annotations

import json
from typing import Any

from seqdiagrams.registry.schema import RegistryData

SCHEMA_ID = "https://seqdiagrams.invalid/overlay.schema.json"
"""The schema's ``$id``: a name, never fetched (``.invalid`` cannot resolve), so editors use the local file."""


def overlay_schema() -> dict[str, Any]:
    """The JSON Schema of a registry overlay file, generated from the registry's pydantic models.

    An overlay is merged key by key over the packaged data before the whole is validated, so an overlay may give
    any part of an entry (``archs: {rnn: {name: {zh: …}}}``): the schema checks the names, types and bounds of
    what is written, and leaves out the models' required fields, whose presence only the merged registry can tell
    (loading it reports a missing one at its line).
    """
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "seqdiagrams registry overlay", **_optional(RegistryData.model_json_schema())}


def _optional(schema: Any) -> Any:
    """``schema`` without any ``required`` list, at every depth."""
    if isinstance(schema, dict):
        return {key: _optional(value) for key, value in schema.items() if key != "required"}
    if isinstance(schema, list):
        return [_optional(item) for item in schema]
    return schema


def schema_text() -> str:
    """:func:`overlay_schema` as stable JSON text (sorted keys, so it diffs well when kept in a repository)."""
    return json.dumps(overlay_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
