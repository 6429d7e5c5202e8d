"""``python -m exdesk.cli``: the same as the ``exdesk`` script."""

from exdesk.cli.app import main

main()
