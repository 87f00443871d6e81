"""leaderboards models."""
