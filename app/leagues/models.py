"""leagues models."""
