"""The shared model: hall configuration, protocol v1, the event projection, the client.

Everything here is used by the hub and by every app, so they can never disagree on
what a message or an event means. Nothing here imports the hub, an app or a device.
"""
