"""Block Kit blocks and elements to HTML, one function per block type and per element type.

Generic on purpose: whatever the bot draws is drawn from the Block Kit JSON alone, so the preview
follows the bot as it changes. Unknown types are shown as a labelled placeholder, never dropped.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from demo.preview.mrkdwn import Directory, format_date, plain_html, text_html

#: uploaded file id → the image's relative path in the preview folder (for slack_file images)
FileLinks = dict[str, str]


class Context:
    """What a renderer needs besides the block: names for ids, and uploaded images."""

    def __init__(
        self,
        directory: Directory | None = None,
        files: FileLinks | None = None,
        state: dict[str, dict[str, dict]] | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        self.directory = directory or Directory()
        self.files = files or {}
        self.state = state or {}  # a view's state.values: what the person entered
        self.errors = errors or {}  # input block id → the error Slack shows under it

    def with_view(self, view: dict, errors: dict[str, str] | None = None) -> Context:
        """This context for drawing `view` as the person left it."""
        state = ((view.get("state") or {}).get("values")) or {}
        return Context(self.directory, self.files, state, errors)

    def text(self, obj: dict | str | None) -> str:
        return text_html(obj, self.directory)


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def _image_src(element: dict, ctx: Context) -> str | None:
    url = str(element.get("image_url") or "")
    if url.startswith(("https://", "http://")):
        return url
    slack_file = element.get("slack_file") or {}
    return ctx.files.get(str(slack_file.get("id", "")))


# ---------------------------------------------------------------------------------- elements


def button(element: dict, ctx: Context) -> str:
    style = element.get("style")
    classes = "btn" + (f" btn-{style}" if style in ("primary", "danger") else "")
    confirm = element.get("confirm")
    title = ""
    if confirm:
        title = f' title="Asks first: {_attr((confirm.get("title") or {}).get("text", ""))}"'
        classes += " btn-confirm"
    label = ctx.text(element.get("text"))
    url = str(element.get("url") or "")
    if url.startswith(("https://", "http://")):
        return f'<a class="{classes}" href="{_attr(url)}" rel="noopener"{title}>{label}</a>'
    return f'<span class="{classes}" role="button"{title}>{label}</span>'


def _option_label(option: dict, ctx: Context) -> str:
    return ctx.text(option.get("text"))


def _options(element: dict) -> list[dict]:
    groups = element.get("option_groups")
    if groups:
        return [o for g in groups for o in g.get("options", [])]
    return list(element.get("options") or [])


def select(element: dict, ctx: Context) -> str:
    """Every kind of select menu: the chosen option(s) or the placeholder, the options listed."""
    kind = str(element.get("type", ""))
    chosen: list[str] = []
    if element.get("initial_option"):
        chosen.append(_option_label(element["initial_option"], ctx))
    chosen += [_option_label(o, ctx) for o in element.get("initial_options") or []]
    users = ([element["initial_user"]] if element.get("initial_user") else []) + list(
        element.get("initial_users") or []
    )
    chosen += [f'<span class="mention">@{_attr(ctx.directory.user(u))}</span>' for u in users]
    for key in ("initial_conversation", "initial_channel"):
        if element.get(key):
            chosen.append(f"#{_attr(ctx.directory.channel(element[key]))}")
    for key in ("initial_conversations", "initial_channels"):
        chosen += [f"#{_attr(ctx.directory.channel(c))}" for c in element.get(key) or []]
    if chosen and kind.startswith("multi_"):
        shown = "".join(f'<span class="chip">{c}</span>' for c in chosen)
    elif chosen:
        shown = chosen[0]
    else:
        shown = (
            f'<span class="placeholder">{ctx.text(element.get("placeholder")) or "Select"}</span>'
        )
    options = _options(element)
    if not options:
        search = " search" if kind.endswith(("external_select", "users_select")) else ""
        return f'<div class="select{search}"><span class="value">{shown}</span></div>'
    items = "".join(f"<li>{_option_label(o, ctx)}</li>" for o in options)
    return (
        f'<details class="select"><summary><span class="value">{shown}</span></summary>'
        f'<ul class="menu">{items}</ul></details>'
    )


def overflow(element: dict, ctx: Context) -> str:
    items = "".join(f"<li>{_option_label(o, ctx)}</li>" for o in element.get("options") or [])
    return (
        '<details class="overflow"><summary aria-label="More actions">⋯</summary>'
        f'<ul class="menu">{items}</ul></details>'
    )


def _choices(element: dict, ctx: Context, kind: str) -> str:
    initial = element.get("initial_options") or (
        [element["initial_option"]] if element.get("initial_option") else []
    )
    chosen = {str(o.get("value")) for o in initial}
    mark_on, mark_off = ("☑", "☐") if kind == "checkboxes" else ("◉", "○")
    rows = []
    for option in element.get("options") or []:
        on = str(option.get("value")) in chosen
        description = option.get("description")
        extra = f'<div class="description">{ctx.text(description)}</div>' if description else ""
        rows.append(
            f'<li class="{"on" if on else "off"}"><span class="mark" aria-hidden="true">'
            f"{mark_on if on else mark_off}</span>"
            f"<div>{_option_label(option, ctx)}{extra}</div></li>"
        )
    return f'<ul class="choices {kind}">{"".join(rows)}</ul>'


def radio_buttons(element: dict, ctx: Context) -> str:
    return _choices(element, ctx, "radio")


def checkboxes(element: dict, ctx: Context) -> str:
    return _choices(element, ctx, "checkboxes")


def text_input(element: dict, ctx: Context) -> str:
    """plain_text_input, number_input, email/url inputs: the box with its value or placeholder."""
    value = element.get("initial_value")
    multiline = " multiline" if element.get("multiline") else ""
    if value not in (None, ""):
        shown = plain_html(str(value), with_emoji=False)
    else:
        shown = f'<span class="placeholder">{ctx.text(element.get("placeholder"))}</span>'
    return f'<div class="textbox{multiline}">{shown}</div>'


def picker(element: dict, ctx: Context) -> str:
    """datepicker, timepicker, datetimepicker."""
    kind = element.get("type")
    icon = "🕒" if kind == "timepicker" else "📅"
    value = element.get("initial_date") or element.get("initial_time")
    if element.get("initial_date_time"):
        value = format_date(int(element["initial_date_time"]), "{date_short} {time}")
    shown = (
        html.escape(str(value))
        if value
        else f'<span class="placeholder">{ctx.text(element.get("placeholder")) or "Select"}</span>'
    )
    return f'<div class="textbox picker"><span aria-hidden="true">{icon}</span> {shown}</div>'


def image_element(element: dict, ctx: Context) -> str:
    src = _image_src(element, ctx)
    alt = _attr(element.get("alt_text", ""))
    if src is None:
        return f'<span class="img-missing" title="{alt}">🖼</span>'
    return f'<img class="thumb" src="{_attr(src)}" alt="{alt}">'


def unknown_element(element: dict, ctx: Context) -> str:
    return f'<span class="unknown">[{_attr(element.get("type", "element"))}]</span>'


ELEMENTS: dict[str, Callable[[dict, Context], str]] = {
    "button": button,
    "overflow": overflow,
    "radio_buttons": radio_buttons,
    "checkboxes": checkboxes,
    "plain_text_input": text_input,
    "number_input": text_input,
    "email_text_input": text_input,
    "url_text_input": text_input,
    "datepicker": picker,
    "timepicker": picker,
    "datetimepicker": picker,
    "image": image_element,
}
for _kind in ("static", "external", "users", "conversations", "channels"):
    ELEMENTS[f"{_kind}_select"] = select
    ELEMENTS[f"multi_{_kind}_select"] = select


def element_html(element: dict, ctx: Context) -> str:
    return ELEMENTS.get(str(element.get("type")), unknown_element)(element, ctx)


# ------------------------------------------------------------------------------------ blocks


def section(block: dict, ctx: Context) -> str:
    parts = []
    if block.get("text"):
        parts.append(f'<div class="text">{ctx.text(block["text"])}</div>')
    if block.get("fields"):
        fields = "".join(f'<div class="field">{ctx.text(f)}</div>' for f in block["fields"])
        parts.append(f'<div class="fields">{fields}</div>')
    body = f'<div class="section-body">{"".join(parts)}</div>'
    accessory = block.get("accessory")
    if accessory:
        kind = "image" if accessory.get("type") == "image" else "element"
        body += f'<div class="accessory accessory-{kind}">{element_html(accessory, ctx)}</div>'
    return f'<div class="block section">{body}</div>'


def header(block: dict, ctx: Context) -> str:
    return f'<div class="block header">{ctx.text(block.get("text"))}</div>'


def divider(block: dict, ctx: Context) -> str:
    return '<hr class="block divider">'


def context(block: dict, ctx: Context) -> str:
    items = []
    for element in block.get("elements") or []:
        if element.get("type") == "image":
            items.append(image_element(element, ctx).replace('class="thumb"', 'class="ctx-img"'))
        else:
            items.append(f"<span>{ctx.text(element)}</span>")
    return f'<div class="block context">{"".join(items)}</div>'


def actions(block: dict, ctx: Context) -> str:
    elements = "".join(element_html(e, ctx) for e in block.get("elements") or [])
    return f'<div class="block actions">{elements}</div>'


def image(block: dict, ctx: Context) -> str:
    title = block.get("title")
    caption = f'<div class="image-title">{ctx.text(title)}</div>' if title else ""
    src = _image_src(block, ctx)
    alt = _attr(block.get("alt_text", ""))
    picture = (
        f'<img src="{_attr(src)}" alt="{alt}" loading="lazy">'
        if src
        else f'<div class="img-missing">🖼 {alt}</div>'
    )
    return f'<figure class="block image">{caption}{picture}</figure>'


# what a view's state holds for each kind of element → the element's initial_* field
_STATE_TO_INITIAL = {
    "value": "initial_value",
    "selected_option": "initial_option",
    "selected_options": "initial_options",
    "selected_user": "initial_user",
    "selected_users": "initial_users",
    "selected_conversation": "initial_conversation",
    "selected_conversations": "initial_conversations",
    "selected_channel": "initial_channel",
    "selected_channels": "initial_channels",
    "selected_date": "initial_date",
    "selected_time": "initial_time",
    "selected_date_time": "initial_date_time",
}


def entered(element: dict, state: dict) -> dict:
    """The element showing what the person entered (from a view's state) instead of its
    initial value; the element itself when there is no state for it."""
    if not state:
        return element
    shown = {k: v for k, v in element.items() if not k.startswith("initial_")}
    for key, initial in _STATE_TO_INITIAL.items():
        if state.get(key) is not None:
            shown[initial] = state[key]
    return shown


def input_block(block: dict, ctx: Context) -> str:
    label = ctx.text(block.get("label"))
    optional = ' <span class="optional">(optional)</span>' if block.get("optional") else ""
    hint = block.get("hint")
    hint_html = f'<div class="hint">{ctx.text(hint)}</div>' if hint else ""
    element = block.get("element") or {}
    state = ctx.state.get(str(block.get("block_id")), {}).get(str(element.get("action_id")), {})
    element_part = element_html(entered(element, state), ctx)
    error = ctx.errors.get(str(block.get("block_id")))
    error_html = f'<div class="error">⚠ {html.escape(error)}</div>' if error else ""
    classes = "block input has-error" if error else "block input"
    return (
        f'<div class="{classes}"><label>{label}{optional}</label>{element_part}{error_html}'
        f"{hint_html}</div>"
    )


def _rich_elements(elements: list[dict], ctx: Context) -> str:
    out = []
    for element in elements:
        kind = element.get("type")
        if kind == "text":
            piece = plain_html(str(element.get("text", "")), with_emoji=False)
            style = element.get("style") or {}
            for flag, tag in (("code", "code"), ("bold", "b"), ("italic", "i"), ("strike", "s")):
                if style.get(flag):
                    piece = f"<{tag}>{piece}</{tag}>"
            out.append(piece)
        elif kind == "link":
            url = str(element.get("url") or "")
            label = html.escape(str(element.get("text") or url))
            safe = url.startswith(("https://", "http://", "mailto:"))
            out.append(f'<a href="{_attr(url)}" rel="noopener">{label}</a>' if safe else label)
        elif kind == "user":
            name = ctx.directory.user(str(element.get("user_id")))
            out.append(f'<span class="mention">@{_attr(name)}</span>')
        elif kind == "channel":
            name = ctx.directory.channel(str(element.get("channel_id")))
            out.append(f'<span class="mention">#{_attr(name)}</span>')
        elif kind == "emoji":
            out.append(ctx.text({"type": "mrkdwn", "text": f":{element.get('name', '')}:"}))
        else:
            out.append(_attr(element.get("text", "")))
    return "".join(out)


def rich_text(block: dict, ctx: Context) -> str:
    parts = []
    for element in block.get("elements") or []:
        kind = element.get("type")
        if kind == "rich_text_list":
            tag = "ol" if element.get("style") == "ordered" else "ul"
            items = "".join(
                f"<li>{_rich_elements(item.get('elements') or [], ctx)}</li>"
                for item in element.get("elements") or []
            )
            parts.append(f"<{tag}>{items}</{tag}>")
        elif kind == "rich_text_preformatted":
            parts.append(f"<pre>{_rich_elements(element.get('elements') or [], ctx)}</pre>")
        elif kind == "rich_text_quote":
            parts.append(
                f"<blockquote>{_rich_elements(element.get('elements') or [], ctx)}</blockquote>"
            )
        else:
            parts.append(f"<div>{_rich_elements(element.get('elements') or [], ctx)}</div>")
    return f'<div class="block rich-text">{"".join(parts)}</div>'


def unknown_block(block: dict, ctx: Context) -> str:
    return f'<div class="block unknown">[{_attr(block.get("type", "block"))} block]</div>'


BLOCKS: dict[str, Callable[[dict, Context], str]] = {
    "section": section,
    "header": header,
    "divider": divider,
    "context": context,
    "actions": actions,
    "image": image,
    "input": input_block,
    "rich_text": rich_text,
}


def block_html(block: dict, ctx: Context) -> str:
    return BLOCKS.get(str(block.get("type")), unknown_block)(block, ctx)


def blocks_html(blocks: list[dict] | None, ctx: Context) -> str:
    return "".join(block_html(b, ctx) for b in blocks or [])
