"""trunktui: a terminal dashboard for SIP trunks on a Sippy Softswitch."""

__version__ = "0.1.0"
