"""okrs models."""
