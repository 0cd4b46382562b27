"""Test factories, one module per app. Seed data lives apart, in intake/seed/."""
