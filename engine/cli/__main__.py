"""``python -m engine.cli`` runs the same command line as ``xmodal``."""

from . import main

main()
