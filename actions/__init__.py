"""Borgerbot's custom actions: thin rasa-sdk adapters over the kb library, served by ``actions.server``."""
