"""Conversation analytics for the weekly fallback review: one row per conversation turn (issue 15)."""
