"""Qt translation files of the kiosk: kiosk_en.ts (source, made by
``python -m kiosk.translations``) and kiosk_en.qm (built by pyside6-lrelease, shipped)."""
