"""Borgerbot's custom actions, served by the rasa-sdk action server."""

from core.log import configure_logging
from core.settings import get_settings

# rasa-sdk sets up only its own loggers; without this our action events
# (actions.answer.guide, actions.escalate, …) would never reach the log.
configure_logging(get_settings().log_level)
