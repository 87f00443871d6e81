"""Missions: what to do, for whom, the proof, the sign-off and the points (see models.py)."""
