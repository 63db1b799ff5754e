"""voiceguide: a private, offline voice companion for ketamine-assisted therapy."""

__version__ = "0.1.0"
