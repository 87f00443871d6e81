"""Stages and levels of the journey every employee walks: Onboarding → Engagement → Leader → Ambassador."""
