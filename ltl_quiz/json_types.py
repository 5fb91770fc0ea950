"""The shape of JSON values, named once: what `as_dict()` results, xAPI statements and saved states
hand across the layers, so no seam between packages needs `Any` to say "whatever json.dumps takes".

Nested values are read-only views (Sequence, Mapping), so a `list[str]` or `dict[str, int]` is a
JSON value as it stands; the outer object stays a dict that its builder may still add to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

JSONValue = str | int | float | bool | None | Sequence["JSONValue"] | Mapping[str, "JSONValue"]
JSONObject = dict[str, JSONValue]
