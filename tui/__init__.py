"""The Textual terminal UI of trilateral: classroom play on the engine's move API."""
