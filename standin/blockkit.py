"""Block Kit rules shared by the Web API stand-in and the simulated Slack client.

Slack validates every surface it renders and rejects bad ones with ``invalid_blocks`` (messages)
or ``invalid_arguments`` (views), each problem reported as
``[ERROR] <what> [json-pointer:<where>]``. It fills in ``block_id``/``action_id`` where the app
left them out, and turns what a user typed or picked into per-element ``state.values`` shapes.
Keeping those rules in one module means the server and the simulator never disagree.

Only the limits a workshop bot can plausibly hit are checked; unknown *fields* are accepted
(Slack adds new ones often), unknown *block types* are not (almost always a typo).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
#: Slack refuses a message whose blocks hold more than about 12,000 characters of text with
#: ``msg_blocks_too_long`` (undocumented; reported by Slack engineers).
MAX_MESSAGE_BLOCK_TEXT = 12_000

BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)

TEXT_INPUTS = frozenset({"plain_text_input", "number_input", "email_text_input", "url_text_input"})
SINGLE_SELECTS = frozenset({"static_select", "external_select", "radio_buttons"})
MULTI_SELECTS = frozenset({"multi_static_select", "multi_external_select", "checkboxes"})
# element type -> (key in state/action payloads, key of the element's initial value)
ENTITY_SELECTS = {
    "users_select": ("selected_user", "initial_user"),
    "multi_users_select": ("selected_users", "initial_users"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "channels_select": ("selected_channel", "initial_channel"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
}
PICKERS = {
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
}
#: Elements whose current value Slack reports in ``state.values``.
STATEFUL = (
    TEXT_INPUTS
    | SINGLE_SELECTS
    | MULTI_SELECTS
    | frozenset(ENTITY_SELECTS)
    | frozenset(PICKERS)
    | frozenset({"rich_text_input", "file_input"})
)
#: Elements a user can act on (and that therefore carry an ``action_id``).
INTERACTIVE = STATEFUL | frozenset({"button", "overflow", "workflow_button"})
_ACCESSORIES = INTERACTIVE - TEXT_INPUTS - {"rich_text_input", "file_input"} | {"image"}
_OPTION_LIMITS = {"checkboxes": 10, "radio_buttons": 10, "overflow": 5}


class _Checker:
    """Collects Slack-style ``[ERROR] ... [json-pointer:...]`` messages."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, pointer: str, message: str) -> None:
        self.errors.append(f"[ERROR] {message} [json-pointer:{pointer}]")

    def max_len(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.fail(pointer, f"must be less than {limit + 1} characters")

    def text(
        self,
        obj: Any,
        pointer: str,
        *,
        limit: int,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.fail(pointer, "missing required field")
            return
        if not isinstance(obj, dict):
            self.fail(pointer, "must be an object")
            return
        allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
        if obj.get("type") not in allowed:
            self.fail(f"{pointer}/type", f"must be one of: {', '.join(allowed)}")
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            self.fail(f"{pointer}/text", "must be more than 0 characters")
        else:
            self.max_len(text, limit, f"{pointer}/text")


def _options_of(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return [o for o in options if isinstance(o, dict)]


def _check_options(c: _Checker, element: dict[str, Any], pointer: str) -> None:
    etype = element["type"]
    options = element.get("options")
    if options is not None:
        if not isinstance(options, list):
            c.fail(f"{pointer}/options", "must be an array")
            return
        limit = _OPTION_LIMITS.get(etype, 100)
        if len(options) > limit:
            c.fail(f"{pointer}/options", f"no more than {limit} items allowed")
        plain_only = etype not in ("checkboxes", "radio_buttons")
        for i, option in enumerate(options):
            opt_ptr = f"{pointer}/options/{i}"
            if not isinstance(option, dict):
                c.fail(opt_ptr, "must be an object")
                continue
            c.text(option.get("text"), f"{opt_ptr}/text", limit=75, plain_only=plain_only)
            if not isinstance(option.get("value"), str):
                c.fail(f"{opt_ptr}/value", "missing required field")
            c.max_len(option.get("value"), 150, f"{opt_ptr}/value")
    elif etype in ("static_select", "multi_static_select") and not element.get("option_groups"):
        c.fail(pointer, "must provide either options or option_groups")
    elif etype in ("checkboxes", "radio_buttons", "overflow"):
        c.fail(f"{pointer}/options", "missing required field")
    if etype in ("external_select", "multi_external_select"):
        return  # their options are fetched from the app, so initial ones can't be cross-checked
    known = {o.get("value") for o in _options_of(element)}
    initial = element.get("initial_option")
    if isinstance(initial, dict) and initial.get("value") not in known:
        c.fail(f"{pointer}/initial_option", "must match one of the provided options")
    for i, option in enumerate(element.get("initial_options") or []):
        if not isinstance(option, dict) or option.get("value") not in known:
            c.fail(f"{pointer}/initial_options/{i}", "must match one of the provided options")


def _check_element(c: _Checker, element: Any, pointer: str, allowed: frozenset[str]) -> None:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        c.fail(pointer, "missing required field: type")
        return
    etype = element["type"]
    if etype not in allowed:
        c.fail(f"{pointer}/type", f"unsupported type: {etype}")
        return
    if etype == "image":
        if not element.get("image_url") and not element.get("slack_file"):
            c.fail(pointer, "must provide either image_url or slack_file")
        c.max_len(element.get("alt_text"), 2000, f"{pointer}/alt_text")
        return
    c.max_len(element.get("action_id"), 255, f"{pointer}/action_id")
    if etype in ("button", "workflow_button"):
        c.text(element.get("text"), f"{pointer}/text", limit=75, plain_only=True)
        c.max_len(element.get("value"), 2000, f"{pointer}/value")
        c.max_len(element.get("url"), 3000, f"{pointer}/url")
        if element.get("style") not in (None, "primary", "danger"):
            c.fail(f"{pointer}/style", "must be one of: primary, danger")
    if "placeholder" in element:
        c.text(element["placeholder"], f"{pointer}/placeholder", limit=150, plain_only=True)
    if etype in SINGLE_SELECTS | MULTI_SELECTS | {"overflow"}:
        _check_options(c, element, pointer)
    if etype == "plain_text_input":
        for key in ("min_length", "max_length"):
            value = element.get(key)
            if value is not None and (not isinstance(value, int) or not 0 <= value <= 3000):
                c.fail(f"{pointer}/{key}", "must be an integer between 0 and 3000")
        c.max_len(element.get("initial_value"), 3000, f"{pointer}/initial_value")


def _check_elements(
    c: _Checker, elements: Any, pointer: str, limit: int, allowed: frozenset[str]
) -> None:
    if not isinstance(elements, list) or not elements:
        c.fail(pointer, "must provide at least 1 item")
        return
    if len(elements) > limit:
        c.fail(pointer, f"no more than {limit} items allowed")
    seen: set[str] = set()
    for i, element in enumerate(elements):
        _check_element(c, element, f"{pointer}/{i}", allowed)
        action_id = element.get("action_id") if isinstance(element, dict) else None
        if action_id is not None and action_id in seen:
            c.fail(f"{pointer}/{i}/action_id", f"duplicate action_id: {action_id}")
        if action_id is not None:
            seen.add(action_id)


def _check_block(c: _Checker, block: dict[str, Any], p: str) -> None:
    btype = block["type"]
    if btype == "section":
        if block.get("text") is None and not block.get("fields"):
            c.fail(p, "must provide either text or fields")
        c.text(block.get("text"), f"{p}/text", limit=3000, required=False)
        fields = block.get("fields")
        if fields is not None:
            if not isinstance(fields, list) or len(fields) > 10:
                c.fail(f"{p}/fields", "no more than 10 items allowed")
            else:
                for i, field in enumerate(fields):
                    c.text(field, f"{p}/fields/{i}", limit=2000)
        if "accessory" in block:
            _check_element(c, block["accessory"], f"{p}/accessory", _ACCESSORIES)
    elif btype == "header":
        c.text(block.get("text"), f"{p}/text", limit=150, plain_only=True)
    elif btype == "actions":
        _check_elements(c, block.get("elements"), f"{p}/elements", 25, INTERACTIVE)
    elif btype == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            c.fail(f"{p}/elements", "must provide at least 1 item")
        elif len(elements) > 10:
            c.fail(f"{p}/elements", "no more than 10 items allowed")
        else:
            for i, element in enumerate(elements):
                if isinstance(element, dict) and element.get("type") == "image":
                    _check_element(c, element, f"{p}/elements/{i}", frozenset({"image"}))
                else:
                    c.text(element, f"{p}/elements/{i}", limit=3000)
    elif btype == "input":
        c.text(block.get("label"), f"{p}/label", limit=2000, plain_only=True)
        if "hint" in block:
            c.text(block["hint"], f"{p}/hint", limit=2000, plain_only=True)
        if "element" not in block:
            c.fail(f"{p}/element", "missing required field")
        else:
            _check_element(c, block["element"], f"{p}/element", STATEFUL)
    elif btype == "image":
        _check_element(c, {**block, "type": "image"}, p, frozenset({"image"}))
        if not isinstance(block.get("alt_text"), str):
            c.fail(f"{p}/alt_text", "missing required field")
    elif btype == "markdown":
        if not isinstance(block.get("text"), str):
            c.fail(f"{p}/text", "missing required field")
        c.max_len(block.get("text"), 12000, f"{p}/text")


def validate_blocks(blocks: Any, *, max_blocks: int, pointer: str = "/blocks") -> list[str]:
    """Return Slack's error messages for ``blocks`` (empty when Slack would accept them)."""
    c = _Checker()
    if not isinstance(blocks, list):
        c.fail(pointer, "must be an array")
        return c.errors
    if len(blocks) > max_blocks:
        c.fail(pointer, f"no more than {max_blocks} items allowed")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        p = f"{pointer}/{i}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            c.fail(p, "missing required field: type")
            continue
        if block["type"] not in BLOCK_TYPES:
            c.fail(f"{p}/type", f"unsupported type: {block['type']}")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or not 0 < len(block_id) <= 255:
                c.fail(f"{p}/block_id", "must be a string of 1 to 255 characters")
            elif block_id in block_ids:
                c.fail(f"{p}/block_id", f"duplicate block_id: {block_id}")
            else:
                block_ids.add(block_id)
        _check_block(c, block, p)
    return c.errors


def validate_suggestions(answer: Any) -> list[str]:
    """What Slack would reject in an app's answer to ``block_suggestion``: it must be
    ``{"options": [...]}`` or ``{"option_groups": [...]}``, at most 100 options in all."""
    if not isinstance(answer, dict) or not (
        isinstance(answer.get("options"), list) or isinstance(answer.get("option_groups"), list)
    ):
        return ["the answer must be a JSON object with options or option_groups"]
    c = _Checker()
    _check_options(c, {"type": "external_select", "options": _options_of(answer)}, "")
    return c.errors


def suggested_options(answer: Any) -> list[dict[str, Any]]:
    """Every option of a ``block_suggestion`` answer, groups flattened."""
    return _options_of(answer) if isinstance(answer, dict) else []


def block_text_length(node: Any) -> int:
    """Characters of text in ``node``: every string under a ``text`` key, at any depth."""
    if isinstance(node, dict):
        return sum(
            len(value) if key == "text" and isinstance(value, str) else block_text_length(value)
            for key, value in node.items()
        )
    if isinstance(node, list):
        return sum(block_text_length(item) for item in node)
    return 0


def validate_view(view: Any, *, view_type: str) -> list[str]:
    """Return Slack's error messages for a ``modal`` or ``home`` view definition."""
    c = _Checker()
    if not isinstance(view, dict):
        c.fail("/view", "must be an object")
        return c.errors
    if view.get("type") != view_type:
        c.fail("/view/type", f"must be one of: {view_type}")
        return c.errors
    if view_type == "modal":
        c.text(view.get("title"), "/view/title", limit=24, plain_only=True)
        for key in ("submit", "close"):
            c.text(view.get(key), f"/view/{key}", limit=24, plain_only=True, required=False)
        blocks = view.get("blocks")
        has_inputs = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_inputs and not view.get("submit"):
            c.fail("/view", "must provide a submit property when using input blocks")
    c.max_len(view.get("private_metadata"), 3000, "/view/private_metadata")
    c.max_len(view.get("callback_id"), 255, "/view/callback_id")
    c.max_len(view.get("external_id"), 255, "/view/external_id")
    c.errors.extend(
        validate_blocks(view.get("blocks"), max_blocks=MAX_VIEW_BLOCKS, pointer="/view/blocks")
    )
    return c.errors


def iter_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield ``(block, element)`` for every interactive element, in display order."""
    for block in blocks:
        btype = block.get("type")
        if btype in ("actions", "context_actions"):
            candidates = block.get("elements") or []
        elif btype == "section":
            candidates = [block.get("accessory")]
        elif btype == "input":
            candidates = [block.get("element")]
        else:
            continue
        for element in candidates:
            if isinstance(element, dict) and element.get("type") in INTERACTIVE:
                yield block, element


def normalize_blocks(
    blocks: list[dict[str, Any]], new_id: Callable[[], str]
) -> list[dict[str, Any]]:
    """Copy ``blocks`` with the ``block_id``/``action_id`` values Slack generates when absent."""
    blocks = copy.deepcopy(blocks)
    for block in blocks:
        if "block_id" not in block:
            block["block_id"] = new_id()
    for _, element in iter_elements(blocks):
        if "action_id" not in element:
            element["action_id"] = new_id()
    return blocks


def initial_state(element: Mapping[str, Any]) -> dict[str, Any]:
    """The ``state.values`` entry of an untouched element (its ``initial_*`` value, if any)."""
    etype = element["type"]
    state: dict[str, Any] = {"type": etype}
    if etype in TEXT_INPUTS:
        initial = element.get("initial_value")
        state["value"] = None if initial in (None, "") else str(initial)
    elif etype in SINGLE_SELECTS:
        state["selected_option"] = copy.deepcopy(element.get("initial_option"))
    elif etype in MULTI_SELECTS:
        state["selected_options"] = copy.deepcopy(element.get("initial_options") or [])
    elif etype in ENTITY_SELECTS:
        key, initial_key = ENTITY_SELECTS[etype]
        empty: list[str] | None = [] if etype.startswith("multi_") else None
        state[key] = copy.deepcopy(element.get(initial_key, empty))
    elif etype in PICKERS:
        key, initial_key = PICKERS[etype]
        state[key] = element.get(initial_key)
        if etype == "timepicker" and element.get("timezone"):
            state["timezone"] = element["timezone"]
    elif etype == "rich_text_input":
        state["rich_text_value"] = copy.deepcopy(element.get("initial_value"))
    elif etype == "file_input":
        state["files"] = []
    return state


def find_option(element: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """The full option object of ``element`` whose ``value`` matches.

    Raises ``ValueError`` listing the valid values, because a test picking a value the bot never
    offered is a test bug worth a clear message. ``external_select`` options live in the app, so
    any value (or a whole option dict) is accepted there.
    """
    if isinstance(value, dict):
        return copy.deepcopy(value)
    for option in _options_of(element):
        if option.get("value") == value:
            return copy.deepcopy(option)
    if element["type"] in ("external_select", "multi_external_select"):
        return {"text": {"type": "plain_text", "text": str(value), "emoji": True}, "value": value}
    valid = [o.get("value") for o in _options_of(element)]
    raise ValueError(
        f"{value!r} is not an option of {element['type']} {element.get('action_id')!r}; "
        f"valid values: {valid}"
    )


def _date_str(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    dt.date.fromisoformat(value)  # raises ValueError for anything Slack's picker can't produce
    return value


def _time_str(value: Any) -> str:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    dt.datetime.strptime(value, "%H:%M")
    return value


def state_from_value(element: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """Convert a plain Python value into the element's ``state.values`` shape.

    Text inputs take ``str`` (numbers are stringified, as Slack sends them); selects take option
    values (lists for multi-selects); user/conversation/channel pickers take ids; date/time
    pickers take ``date``/``time``/``datetime`` or Slack's own strings; ``None`` clears.
    """
    etype = element["type"]
    state = initial_state(element)
    if etype in TEXT_INPUTS:
        state["value"] = None if value in (None, "") else str(value)
    elif etype in SINGLE_SELECTS:
        state["selected_option"] = None if value is None else find_option(element, value)
    elif etype in MULTI_SELECTS:
        state["selected_options"] = [find_option(element, v) for v in _as_list(value)]
    elif etype in ENTITY_SELECTS:
        key = ENTITY_SELECTS[etype][0]
        state[key] = list(_as_list(value)) if etype.startswith("multi_") else value
    elif etype == "datepicker":
        state["selected_date"] = None if value is None else _date_str(value)
    elif etype == "timepicker":
        state["selected_time"] = None if value is None else _time_str(value)
    elif etype == "datetimepicker":
        if isinstance(value, dt.datetime):
            value = int(value.timestamp())
        state["selected_date_time"] = value
    elif etype == "rich_text_input":
        if isinstance(value, str):
            value = {
                "type": "rich_text",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": value}]}
                ],
            }
        state["rich_text_value"] = value
    elif etype == "file_input":
        state["files"] = list(_as_list(value))
    return state


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        return [value]
    return list(value)


def is_empty(state: Mapping[str, Any]) -> bool:
    """Whether an element state holds no user input (what makes a required input block block)."""
    return all(v in (None, "", []) for k, v in state.items() if k not in ("type", "timezone"))


def action_payload(
    block: Mapping[str, Any], element: Mapping[str, Any], selected: Any, action_ts: str
) -> dict[str, Any]:
    """The ``actions[0]`` entry Slack sends when a user uses ``element``.

    ``selected`` is what the user picked (see :func:`state_from_value`); ``None`` keeps the
    element's current/initial value. Overflow menus need a ``selected`` option value.
    """
    etype = element["type"]
    action: dict[str, Any] = {"type": etype}
    if etype in ("button", "workflow_button"):
        action["text"] = copy.deepcopy(element.get("text"))
        for key in ("value", "style", "url"):
            if key in element:
                action[key] = element[key]
    elif etype == "overflow":
        if selected is None:
            raise ValueError(f"overflow {element.get('action_id')!r} needs selected=<option value>")
        action["selected_option"] = find_option(element, selected)
    elif selected is None:
        action.update(initial_state(element))
    else:
        action.update(state_from_value(element, selected))
    action.update(
        {"action_id": element["action_id"], "block_id": block["block_id"], "action_ts": action_ts}
    )
    return action


def state_values(
    blocks: list[dict[str, Any]], stored: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """``state.values`` for a surface: stored user input where present, else initial values."""
    stored = stored or {}
    values: dict[str, dict[str, Any]] = {}
    for block, element in iter_elements(blocks):
        if element["type"] not in STATEFUL:
            continue
        block_id, action_id = block["block_id"], element["action_id"]
        state = stored.get(block_id, {}).get(action_id) or initial_state(element)
        values.setdefault(block_id, {})[action_id] = copy.deepcopy(state)
    return values


def apply_overrides(
    blocks: list[dict[str, Any]],
    values: dict[str, dict[str, Any]],
    overrides: Mapping[str, Any],
) -> None:
    """Apply a test's ``{block_id: value}`` / ``{block_id: {action_id: value}}`` input in place.

    A key that is not a ``block_id`` may name a unique ``action_id`` instead. Unknown keys raise
    ``KeyError`` listing what the surface actually contains.
    """
    elements: dict[str, dict[str, dict[str, Any]]] = {}
    for block, element in iter_elements(blocks):
        if element["type"] in STATEFUL:
            elements.setdefault(block["block_id"], {})[element["action_id"]] = element
    for key, value in overrides.items():
        if key in elements:
            block_id = key
        else:
            owners = [b for b, by_action in elements.items() if key in by_action]
            if len(owners) != 1:
                raise KeyError(
                    f"no input with block_id (or unique action_id) {key!r}; "
                    f"block_ids: {sorted(elements)}"
                )
            block_id, value = owners[0], {key: value}
        targets = elements[block_id]
        if not (isinstance(value, dict) and value and set(value) <= set(targets)):
            if len(targets) != 1:
                raise KeyError(
                    f"block {block_id!r} has several elements {sorted(targets)}; "
                    "pass {action_id: value}"
                )
            value = {next(iter(targets)): value}
        for action_id, item in value.items():
            values[block_id][action_id] = state_from_value(targets[action_id], item)


def client_side_errors(
    blocks: list[dict[str, Any]], values: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """What the Slack client itself would refuse to submit (it never reaches the app)."""
    problems: list[str] = []
    for block in blocks:
        if block.get("type") != "input" or not isinstance(block.get("element"), dict):
            continue
        element = block["element"]
        state = values.get(block["block_id"], {}).get(element.get("action_id"), {})
        label = f"input {block['block_id']!r}"
        if is_empty(state):
            if not block.get("optional", False):
                problems.append(f"{label} is required but empty")
            continue
        value = state.get("value")
        if element["type"] == "plain_text_input" and isinstance(value, str):
            if len(value) < element.get("min_length", 0):
                problems.append(f"{label} is shorter than min_length")
            if len(value) > element.get("max_length", 3000):
                problems.append(f"{label} is longer than max_length")
        if element["type"] == "number_input" and isinstance(value, str):
            problems.extend(_number_problems(element, value, label))
    return problems


def _number_problems(element: Mapping[str, Any], value: str, label: str) -> list[str]:
    try:
        number = float(value)
    except ValueError:
        return [f"{label} is not a number"]
    if not element.get("is_decimal_allowed") and not number.is_integer():
        return [f"{label} does not allow decimals"]
    for key, too_far in (("min_value", number.__lt__), ("max_value", number.__gt__)):
        if element.get(key) is not None and too_far(float(element[key])):
            return [f"{label} is outside {key} {element[key]}"]
    return []
