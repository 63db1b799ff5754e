"""The journeys, one module each."""
