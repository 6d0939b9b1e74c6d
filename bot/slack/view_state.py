"""Reading a submitted view's `state.values`, whatever element produced each value.

Every input block holds one element; these helpers take the block id and return Python values,
tolerating missing blocks (a forged or truncated payload reads as empty, never as a crash).
"""

from __future__ import annotations


def state_values(view: object) -> dict:
    """`view.state.values`, or {} when a payload lacks it."""
    values = (view.get("state") or {}).get("values") if isinstance(view, dict) else None
    return values if isinstance(values, dict) else {}


def _element(state: dict, block_id: str) -> dict:
    block = state.get(block_id) or {}
    if not isinstance(block, dict) or not block:
        return {}
    element = next(iter(block.values()))
    return element if isinstance(element, dict) else {}


def input_value(state: dict, block_id: str) -> str | None:
    """plain_text_input, number_input, email and url inputs."""
    value = _element(state, block_id).get("value")
    return value if isinstance(value, str) else None


def selected_value(state: dict, block_id: str) -> str | None:
    """static_select and radio_buttons."""
    option = _element(state, block_id).get("selected_option") or {}
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else None


def checked_values(state: dict, block_id: str) -> list[str]:
    """checkboxes and multi_static_select."""
    options = _element(state, block_id).get("selected_options") or []
    if not isinstance(options, list):
        return []
    return [o["value"] for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)]


def selected_user(state: dict, block_id: str) -> str | None:
    user = _element(state, block_id).get("selected_user")
    return user if isinstance(user, str) else None


def selected_users(state: dict, block_id: str) -> list[str]:
    users = _element(state, block_id).get("selected_users") or []
    return [u for u in users if isinstance(u, str)] if isinstance(users, list) else []


def selected_date(state: dict, block_id: str) -> str | None:
    date = _element(state, block_id).get("selected_date")
    return date if isinstance(date, str) else None


def selected_time(state: dict, block_id: str) -> str | None:
    time = _element(state, block_id).get("selected_time")
    return time if isinstance(time, str) else None


def selected_conversation(state: dict, block_id: str) -> str | None:
    element = _element(state, block_id)
    value = element.get("selected_conversation") or element.get("selected_channel")
    return value if isinstance(value, str) else None
