"""reviews models."""
