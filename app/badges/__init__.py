"""Badges: definitions with criteria, grants (automatic and manual), the badge wall."""
