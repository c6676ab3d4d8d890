#!/usr/bin/env python
"""Django's command-line utility; ``motcua`` (see motcua/cli.py) is the same thing, installed."""

from motcua.cli import main

if __name__ == "__main__":
    main()
