"""Files people share with the bot: the Block Kit file input (slack_sdk has no model for it yet)
and reading a shared file's text (files.info, then its url_private with the bot token).

Slack's file input needs the `files:read` scope; it accepts up to 10 MB, and a modal's
submission must be acknowledged within 3 s, so a file is read with a short timeout and a size
limit, and a slow or large one is refused with a message saying what to do instead.
"""

from __future__ import annotations

import urllib.request
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import InputInteractiveElement

from flows.errors import FlowError

DOWNLOAD_TIMEOUT_S = 1.5  # inside the 3 s a modal's submission has (saving comes after)
MAX_FILE_BYTES = 2_000_000


class FileInputElement(InputInteractiveElement):
    """https://docs.slack.dev/reference/block-kit/block-elements/file-input-element"""

    type = "file_input"

    @property
    def attributes(self) -> set[str]:  # type: ignore[override]
        return super().attributes.union({"filetypes", "max_files"})

    def __init__(
        self,
        *,
        action_id: str | None = None,
        filetypes: list[str] | None = None,
        max_files: int | None = None,
        **others: Any,
    ) -> None:
        super().__init__(type=self.type, action_id=action_id)
        self.filetypes = filetypes
        self.max_files = max_files


def shared_file_ids(state: dict, block_id: str) -> list[str]:
    """The ids of the files a modal's file input holds."""
    for element in (state.get(block_id) or {}).values():
        files = element.get("files") if isinstance(element, dict) else None
        if isinstance(files, list):
            return [f["id"] for f in files if isinstance(f, dict) and isinstance(f.get("id"), str)]
    return []


def read_shared_text(client: WebClient, file_id: str) -> tuple[str, str]:
    """(name, UTF-8 text) of a shared file; FlowError with a message for the person otherwise."""
    try:
        record = client.files_info(file=file_id)["file"]
    except SlackApiError as error:
        raise FlowError(
            f"Slack would not show me that file ({error.response.get('error')})."
        ) from None
    name = str(record.get("name") or "the file")
    if int(record.get("size") or 0) > MAX_FILE_BYTES:
        raise FlowError(
            f"{name} is over {MAX_FILE_BYTES // 1_000_000} MB: import it with "
            "`workshop-bot customers import` instead."
        )
    url = record.get("url_private_download") or record.get("url_private")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise FlowError(f"Slack gave no download address for {name}.")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_S) as response:
            content_type = response.headers.get("Content-Type", "")
            data = response.read(MAX_FILE_BYTES + 1)
    except OSError:
        raise FlowError(
            f"Slack did not hand me {name} in time: try again, or paste the answers."
        ) from None
    if content_type.startswith("text/html"):  # Slack's sign-in page: the token was refused
        raise FlowError(f"Slack refused me {name}: the app needs the files:read scope.")
    if len(data) > MAX_FILE_BYTES:
        raise FlowError(f"{name} is too big to read here: use `workshop-bot customers import`.")
    try:
        return name, data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FlowError(
            f"{name} is not UTF-8 text: save it as “CSV UTF-8” and try again."
        ) from None
