"""One place that turns a refusal into what the user sees.

Listeners raise: a `FlowError` (a refusal the flows worded for the user) or a `BadValue` (a button
value or menu option that no longer parses, bot/slack/values.py). `answers_refusals` answers as
fits the request:

- a form (view_submission): an `InvalidInput`'s errors inline under their fields; any other
  refusal inline under `field` (a block id, or a function of the view that names one), or, with
  `notice`, the form replaced by a notice (`notice(text)` builds it);
- a menu's search (block_suggestion): no options;
- anything else (a click, a slash command): acknowledged if the listener had not yet, then told
  privately, through the response URL, as an ephemeral or as a DM (bot/slack/replies.tell_user);
  a `BadValue` as `stale`.

Anything else that goes wrong is the app's error handler's (bot/app.py): logged with the request's
team, user and kind, and the user is told something went wrong.

The wrapper asks Bolt for everything (its `args`). A listener that takes one `request`, typed as
a kind of `Request` (bot/slack/requests.py), gets it built from them; any other listener gets what
it names, as Bolt would inject it: `ack`, `body`, `client`, ... and the context's keys, such as
`db` (bot/slack/middleware.provide).
"""

from __future__ import annotations

import inspect
import logging
import typing
from collections.abc import Callable

from slack_bolt.kwargs_injection.args import Args
from slack_sdk.models.views import View

from bot.slack.replies import tell_user
from bot.slack.requests import Request
from bot.slack.values import BadValue
from flows.errors import FlowError, InvalidInput

logger = logging.getLogger(__name__)

OUT_OF_DATE = "That button is out of date."
Listener = Callable[..., None]
Field = str | Callable[[dict], str]


def answers_refusals(
    stale: str = OUT_OF_DATE,
    *,
    field: Field | None = None,
    notice: Callable[[str], View] | None = None,
) -> Callable[[Listener], Listener]:
    """Decorate a listener so that its refusals reach the user (see the module's docstring)."""

    def decorate(listener: Listener) -> Listener:
        call = _caller(listener)

        def answering(args: Args) -> None:
            try:
                call(args)
            except (FlowError, BadValue) as error:
                text = stale if isinstance(error, BadValue) else str(error)
                if isinstance(error, BadValue):
                    logger.info("out-of-date value in %s: %s", listener.__name__, error)
                _answer(args, error, text, field, notice)

        return named_like(listener, answering)

    return decorate


def takes_request(listener: Listener) -> Listener:
    """Decorate a listener that answers its own refusals, so that Bolt hands it its `request`
    (or what it names) all the same; anything it raises goes to the app's error handler."""
    return named_like(listener, _caller(listener))


def named_like(listener: Callable, wrapper: Listener) -> Listener:
    """`wrapper`, named and documented as `listener` is, in logs and Bolt's errors."""
    # Not functools.wraps: Bolt would read the listener's arguments through __wrapped__.
    wrapper.__name__ = listener.__name__
    wrapper.__qualname__ = listener.__qualname__
    wrapper.__doc__ = listener.__doc__
    wrapper.__module__ = listener.__module__
    return wrapper


def _caller(listener: Listener) -> Callable[[Args], None]:
    """How to call `listener` with Bolt's `args`: with its one typed `request`, or by name."""
    kind = typing.get_type_hints(listener).get("request")
    if isinstance(kind, type) and issubclass(kind, Request):

        def with_request(args: Args) -> None:
            listener(kind.of(args))

        return with_request
    names = list(inspect.signature(listener).parameters)

    def by_name(args: Args) -> None:
        listener(**{name: _argument(args, name) for name in names})

    return by_name


def _argument(args: Args, name: str) -> object:
    if name == "args":
        return args
    if hasattr(args, name):
        return getattr(args, name)
    return args.context.get(name)  # the context's keys: db, after_ack, digest_scheduler


def _answer(
    args: Args,
    error: Exception,
    text: str,
    field: Field | None,
    notice: Callable[[str], View] | None,
) -> None:
    body, ack = args.body, args.ack
    acked = getattr(ack, "response", None) is not None
    kind = body.get("type")
    if kind == "view_submission" and not acked:
        if isinstance(error, InvalidInput):
            ack(response_action="errors", errors=error.errors)
        elif notice is not None:
            ack(response_action="update", view=notice(text))
        else:
            ack(response_action="errors", errors={_field_of(field, args.view): text})
        return
    if kind == "block_suggestion":
        if not acked:
            ack(options=[])
        return
    if not acked:
        ack()
    tell_user(args.client, body, text, args.respond)


def _field_of(field: Field | None, view: dict | None) -> str:
    if field is None:
        raise ValueError("a form's listener must name the field its refusals show under")
    return field if isinstance(field, str) else field(view or {})
