"""`rasa run`, with Rasa's check of each custom action's answer compiled once instead of per call.

Rasa 3.6 checks every action server response with ``jsonschema.validate()``, which first checks
the response *schema* against the JSON Schema metaschema, on every call: about half of the Rasa
server's CPU in a turn with a custom action (py-spy, 2026-12-01). Here the schema is checked once
and its validator kept; every response is still validated against the same schema, with Rasa's
own error message. Runs in .venv-rasa (Python 3.10) with nothing but Rasa: no project imports.

Usage: ``.venv-rasa/bin/python scripts/rasa_server.py run --model … --endpoints …`` (as ``rasa``).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """As RemoteAction._validate_action_result in Rasa 3.6, with the validator built once."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    """Replace Rasa's per-call schema check with the compiled validator."""
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
