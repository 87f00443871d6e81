"""Goals: cascading objectives and key results with check-ins."""
