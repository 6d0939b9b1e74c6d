"""Journey templates: `/workshop template save NAME [#N]` (the setup form offers the templates;
see bot/workshop/blocks/setup.py)."""
