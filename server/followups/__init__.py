"""Follow-ups (需要跟进): an urgent need or a follow-up flag stays open until handled."""
