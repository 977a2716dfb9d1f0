"""The Ergebnisbericht: a survey's public (suppressed) results as a PDF, optionally for
one demographic group ("Ergebnisse für die Gemeinde Lehre").

Built from the stored snapshots only (``app.results.snapshots``), never by counting
answers: ``document`` gathers (the views of ``app.results.presenting``, the same the
results pages show), ``groups`` names and resolves the groups a report can be
filtered by, ``pdf`` renders the results pages' macros with WeasyPrint.
"""
