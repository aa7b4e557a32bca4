"""Files of the hub's public pages (HTML, scripts, styles), served by hub.public."""
