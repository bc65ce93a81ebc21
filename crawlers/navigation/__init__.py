"""Navigation: what a list page links to (notices) and where the list goes on (next pages)."""
