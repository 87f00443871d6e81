"""feed models."""
