"""Store leagues: store-vs-store boards normalised per head or by % of target, in divisions."""
