"""Challenges: time-boxed competitions between people or stores, paid once when they close."""
