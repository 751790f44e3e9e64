"""`python -m papersum` runs the command line."""

from papersum.cli import main

main()
