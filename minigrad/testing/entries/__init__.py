"""Registry entries, one module per op family; each module defines ``ENTRIES``."""
