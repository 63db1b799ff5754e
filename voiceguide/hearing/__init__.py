"""Hearing what was said: phrase by phrase while a person speaks, then as a whole, merged.

Below the conversation and the journal: both hear recordings through it, and it knows nothing
of either.
"""
