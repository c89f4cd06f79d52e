"""scripts/rasa_server.py in the real Rasa 3.6 environment: faster, and just as strict."""

from __future__ import annotations

import subprocess

import pytest

from core.settings import Settings
from ops.training import rasa_env

pytestmark = pytest.mark.integration

CHECK = """
import sys
sys.path.insert(0, "scripts")
import rasa_server
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

rasa_server.install()
valid = {"events": [{"event": "slot", "name": "outcome", "value": {"kind": "answer"}, "timestamp": None}],
         "responses": [{"text": "Et pas koster 891 kr.", "buttons": [], "custom": {}}]}
assert RemoteAction._validate_action_result(RemoteAction, valid) is True
for invalid in ({"events": "not a list"}, {"events": [{"name": "no event type"}]}, {"responses": [42]}):
    try:
        RemoteAction._validate_action_result(RemoteAction, invalid)
    except ValidationError as error:
        assert "Failed to validate Action server response" in error.message, error.message
    else:
        raise SystemExit(f"accepted an invalid response: {invalid}")
"""


def test_action_responses_are_still_validated_with_rasas_schema() -> None:
    settings = Settings()
    result = subprocess.run(
        [str(settings.rasa_venv / "bin" / "python"), "-c", CHECK],
        cwd=settings.project_root,
        env=rasa_env(settings),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
