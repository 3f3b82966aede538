"""``python -m zkconnect`` is the ``zkdev`` command."""

from zkconnect.cli import main

main()
