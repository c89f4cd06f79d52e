"""Shared core: settings, logging, the topic registry and the reply payload format. Imports nothing of ours."""
