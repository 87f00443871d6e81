"""screens models."""
