"""Typed button values and view metadata: what a button or a modal carries, as a model.

A button's or a menu option's `value` is the model's fields in order, joined by "|"
("12|rating"): compact, because an option's value may hold only 150 characters (a button's
2,000). A view's `private_metadata` is the model as compact JSON (Slack keeps 3,000 characters).

`ButtonValue.decode` raises `BadValue` for anything our buttons could not have sent (a forged,
truncated or out-of-date value); bot/slack/answers.py tells the user the button is out of date,
never a 500. Numbers are ASCII digits only (no sign, spaces or underscores, which `int()` would
take), in the range of the 32-bit id columns. `ViewMetadata.read` reads metadata no view of ours
could have carried as empty: every field None, which the flows answer as "not found".
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
)

MAX_ID = 2**31 - 1  # ids are 32-bit integer columns (storage/models)
MAX_OFFSET = 1_000_000  # a list's offset or page: no list of ours is longer
SEPARATOR = "|"
BUTTON_VALUE_LIMIT = 2000
OPTION_VALUE_LIMIT = 150
METADATA_LIMIT = 3000
_DIGITS = re.compile(r"[0-9]{1,10}")


class BadValue(ValueError):
    """A button value or view metadata that none of our surfaces sends: out of date or forged."""


def _whole_number(raw: object, info: ValidationInfo) -> object:
    """Digits in a button value; in metadata (JSON) a number must be a JSON number."""
    if isinstance(raw, str) and info.mode == "json":
        raise ValueError("a number written as text")
    return _digits(raw)


def _digits(raw: object) -> object:
    if isinstance(raw, bool):
        raise ValueError("not a number")
    if isinstance(raw, str):
        if not _DIGITS.fullmatch(raw):
            raise ValueError("not a whole number")
        return int(raw)
    return raw


# An id of a row: 0 is none (and is simply not found), as with any id of another workspace.
Id = Annotated[int, BeforeValidator(_whole_number), Field(ge=0, le=MAX_ID)]
Offset = Annotated[int, BeforeValidator(_whole_number), Field(ge=0, le=MAX_OFFSET)]
Count = Annotated[int, BeforeValidator(_whole_number), Field(ge=0, le=MAX_ID)]
# Text inside a value: never the separator.
Word = Annotated[str, Field(pattern=r"^[a-z_]{1,20}$")]


def parse_id(raw: object, low: int = 1, high: int = MAX_ID) -> int:
    """A database id (or offset) from a payload; BadValue unless it is a whole number in range,
    so a forged "-1" or "99999999999999999999" never reaches a query."""
    try:
        value = _digits(raw)
    except ValueError:
        raise BadValue(raw) from None
    if not isinstance(value, int) or not low <= value <= high:
        raise BadValue(raw)
    return value


def clicked_value(action: dict) -> object:
    """The clicked element's value: a button's, or an overflow's or a menu's chosen option's."""
    option = action.get("selected_option")
    return option.get("value") if isinstance(option, dict) else action.get("value")


class ButtonValue(BaseModel):
    """Subclasses name their fields in the order they are written; trailing fields with a
    default may be left out (a value drawn before the field existed)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    limit: ClassVar[int] = BUTTON_VALUE_LIMIT

    def encode(self) -> str:
        parts = [_text(getattr(self, name)) for name in type(self).model_fields]
        text = SEPARATOR.join(parts)
        if any(SEPARATOR in part for part in parts) or len(text) > self.limit:
            raise ValueError(f"{type(self).__name__} cannot be written as a value: {text!r}")
        return text

    @classmethod
    def decode(cls, raw: object) -> Self:
        if not isinstance(raw, str):
            raise BadValue(f"{cls.__name__}: not text")
        parts = raw.split(SEPARATOR)
        fields = cls.model_fields
        required = sum(1 for info in fields.values() if info.is_required())
        if not required <= len(parts) <= len(fields):
            raise BadValue(f"{cls.__name__}: {len(parts)} parts")
        try:
            return cls.model_validate(dict(zip(fields, parts, strict=False)))
        except ValidationError as error:
            raise BadValue(f"{cls.__name__}: {error.error_count()} invalid") from None

    @classmethod
    def of(cls, action: dict) -> Self:
        """Decode the value of the clicked button or chosen option."""
        return cls.decode(clicked_value(action))


def _text(value: object) -> str:
    return str(getattr(value, "value", value))  # an enum by its value


class WorkshopValue(ButtonValue):
    """Buttons that open something of one workshop: "12"."""

    workshop_id: Id


class PageNumber(ButtonValue):
    """Previous / Next in a view that knows what it lists: "3", the page to show."""

    page: Offset


class PageValue(ButtonValue):
    """Previous / Next under a workshop's list: "12|3", the workshop and the page to show."""

    workshop_id: Id
    page: Offset


class ViewMetadata(BaseModel):
    """Subclasses list what a modal carries; every field is optional, so that metadata that
    names nothing (or that no view of ours wrote) reads as the flows' "not found"."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    def encode(self) -> str:
        """The fields given when it was made (None included), as compact JSON."""
        text = self.model_dump_json(exclude_unset=True)
        if len(text) > METADATA_LIMIT:
            raise ValueError("private_metadata would exceed Slack's 3,000 characters")
        return text

    @classmethod
    def decode(cls, text: object) -> Self:
        if not isinstance(text, str):
            raise BadValue(f"{cls.__name__}: not text")
        try:
            return cls.model_validate_json(text or "{}", strict=True)  # no "7" for 7
        except (ValidationError, ValueError, RecursionError):
            raise BadValue(f"{cls.__name__}: invalid") from None

    @classmethod
    def read(cls, view: object) -> Self:
        """The metadata of a submitted view; empty if it is missing or malformed."""
        text = view.get("private_metadata") if isinstance(view, dict) else None
        try:
            return cls.decode(text)
        except BadValue:
            return cls()


class WorkshopMetadata(ViewMetadata):
    """A form about one workshop, opened from a channel (the setup form has only the channel)."""

    workshop_id: Id | None = None
    channel_id: str | None = None
