"""The engine's command line: ``sim.cli.app.build_app`` makes the Typer app.

The commands live in one module per group (``run``, ``scenarios``, ``authoring``,
``study``, ``batch``); the UI layer (``tui.cli``) adds ``play`` to the app it builds.
"""
