"""National-portal synchronisation and webhooks."""
