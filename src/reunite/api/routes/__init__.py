"""HTTP routes, one module per noun; thin: parse → service → schema."""
