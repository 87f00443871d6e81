"""The store feed: public kudos, badges, missions and challenge results, with reactions."""
