"""Review cycles: self, manager, peer and upward reviews, calibration and sign-off."""
