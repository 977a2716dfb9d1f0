"""The Auswertung: the council annex of a process, gathered once and written per format.

Gathering (reads only, never writes):

- :mod:`.scope` — which contributions are in the table (the same rules for rows and counts);
- :mod:`.authors` — author labels: institutions by their group, private authors as
  "Bürger:in N", numbered stably within the process;
- :mod:`.entries` — the rows in document order (goal tree, threads, replies after the
  comment they answer, official replies), loaded in chunks (:mod:`.chunk_data`);
- :mod:`.overview` — counts per goal, consideration and group, per channel and kind;
- :mod:`.steckbrief` — the Steckbrief facts of each field of action, from the revisions;
- :mod:`.document` — everything the DOCX and PDF show besides the rows.

Writers stream into a binary file object and return the number of rows written:
``write(process, options, lang, out, progress) -> int`` in :mod:`.xlsx`, :mod:`.ods`,
:mod:`.csv_file`, :mod:`.docx_file` and :mod:`.pdf` (:data:`.writers.WRITERS` maps the
format to the writer). Call them inside ``flask_babel.force_locale(lang)``.
"""
