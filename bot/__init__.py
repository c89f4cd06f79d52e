"""Borgerbot gateway: the citizen-facing FastAPI app and the process runner."""
