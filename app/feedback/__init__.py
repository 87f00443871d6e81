"""Feedback: kudos, constructive feedback, requests, and upward feedback and questions."""
