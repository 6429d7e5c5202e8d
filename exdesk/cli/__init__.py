"""``exdesk``: the command line of a local operator acting on one tenant."""

from exdesk.cli.app import app, main

__all__ = ["app", "main"]
