"""Thermal ticket printing: layout, ESC/POS encoding per profile, transports, status."""
