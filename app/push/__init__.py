"""Web push (VAPID): keys, per-device subscriptions, and the HTTP send that only jobs call."""
