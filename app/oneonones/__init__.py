"""1:1 check-ins and the managers' coaching view."""
