"""`python -m papersum` runs the command line."""

from papersum.cli import main

# Guarded: worker processes import this module again (as __mp_main__) and must not run the CLI.
if __name__ == "__main__":
    main()
