"""Stages 3-4: statements found in a parsed article and attributed within it (pure: a parse view in,
frozen records out; nothing here imports sqlalchemy, torch or stanza). ``analyse.py`` is the stage."""
