"""make eval: the dev set and multi-turn dialogues, through the gateway, end to end."""
