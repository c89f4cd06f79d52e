"""The staff pages' routers, one per concern."""
