"""Checks of TOML tables: every required key present with its type, no unknown key."""

from __future__ import annotations

from typing import Any


def check_keys(table: Any, keys: dict[str, type], label: str = "") -> list[str]:
    """Return what is wrong with ``table`` against ``keys`` (name to type); a float accepts an int.

    >>> check_keys({"zoom": "13", "zom": 1}, {"zoom": int}, "city")
    ["city: 'zoom' must be int, got '13'", "city: unknown key 'zom'"]
    >>> check_keys({}, {"id": str})
    ["'id' is missing"]
    """
    prefix = f"{label}: " if label else ""
    if not isinstance(table, dict):
        return [f"{prefix}must be a table, got {table!r}"]
    messages = []
    for key, kind in keys.items():
        value = table.get(key)
        accepted = (int, float) if kind is float else kind
        if value is None:
            messages.append(f"{prefix}'{key}' is missing")
        elif not isinstance(value, accepted) or isinstance(value, bool):
            messages.append(f"{prefix}'{key}' must be {kind.__name__}, got {value!r}")
    messages.extend(f"{prefix}unknown key '{key}'" for key in sorted(set(table) - set(keys)))
    return messages
