"""One module per lecture; each defines ``DERIVATIONS``."""
