"""Spoken calls: what to say for a ticket call and the backends that say it.

No Qt and no hub here (a loudspeaker PC without a screen runs it headless); the Qt
playback backend lives apart in :mod:`voice.qt`. See docs/voice.md.
"""
