"""Resident servers: a program's modules imported once, each invocation a forked worker with the
caller's folder, environment and standard streams (``client.py`` is the thin side,
``server.py`` the server, ``control.py`` the ``server status|start|stop`` subcommand)."""
