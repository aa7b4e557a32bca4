"""The kiosk app (Qt). Not built yet; see the open issues."""
