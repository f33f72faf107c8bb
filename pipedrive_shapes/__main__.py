"""Run the command line tool with ``python -m pipedrive_shapes``."""

from pipedrive_shapes.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
