"""Where a connection comes from: the profiles file, passwords, and the session built from them.

``config`` reads and writes the TOML profiles file, ``credentials`` obtains a
profile's password (environment, command, file or prompt), and ``session``
holds what the dashboard is connected to. None of it imports the UI.
"""
