"""The gateway's routers, one per concern."""
