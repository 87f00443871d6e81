"""oneonones models."""
