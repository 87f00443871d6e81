"""TV mode: a full-screen store board opened with a revocable read-only screen token."""
