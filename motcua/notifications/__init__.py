"""E-mail, SMS and in-app messages."""
