"""challenges models."""
