"""The ticket kiosk (取号机): `jiaohao kiosk`. See docs/kiosk.md."""
