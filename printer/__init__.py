"""Thermal ticket printing: layout, ESC/POS encoding per profile, transports, status.

The kiosk needs one call: :func:`printer.job.print_ticket` (content, profile,
connection string) -> :class:`printer.job.PrintResult`. See docs/printing.md.
Nothing is imported here, so ``import printer`` loads no image or printer library.
"""
