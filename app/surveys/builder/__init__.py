"""The survey builder for staff: the structure and its lock (``structure``),
ready-made parts (``parts``), conditions, the audited changes staff make
(``services``, ``questions``), the forms and the builder's pages."""
