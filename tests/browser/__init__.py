"""Browser tests of the chat widget: real headless Chromium against the real stack."""
