"""Streaks of consecutive active days, in the store's time zone, with a weekly freeze and days off."""
