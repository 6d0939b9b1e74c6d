"""Characters no database of ours can store in text, so input holding them is refused, whole.

PostgreSQL's text type refuses NUL (U+0000), and neither PostgreSQL nor SQLite can encode a lone
UTF-16 surrogate (U+D800 to U+DFFF), which JSON's "\\ud800" escape decodes to. Refusing rather
than stripping means nothing is saved that differs from what the person typed.
"""

from __future__ import annotations

import re

UNSAVABLE = re.compile("[\x00\ud800-\udfff]")

UNSAVABLE_CHARACTER = "a character that can't be saved (such as a null character)"
UNSAVABLE_FIELD = f"This contains {UNSAVABLE_CHARACTER}: remove it and try again."


def is_savable(text: str) -> bool:
    return UNSAVABLE.search(text) is None
