"""revisit-tui: the terminal workstation of a bank's customer-revisit call centre."""

__version__ = "0.1.0"
