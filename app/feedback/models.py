"""feedback models."""
