"""Leaderboards: store, district and company boards by week, month and all time, updated live."""
