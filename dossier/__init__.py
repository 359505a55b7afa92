"""dossier: a static-site generator for annotated story dossiers."""

__version__ = "0.1.0"
