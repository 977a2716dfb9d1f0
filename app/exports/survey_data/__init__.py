"""Survey data for statisticians: SAV, CSV with codebook, XLSX.

:mod:`.variables` names the variables and their codes, :mod:`.blocks` codes each
question kind, :mod:`.conditions` decides whether a question was shown,
:mod:`.pivot` reads the responses in pages, :mod:`.files` and :mod:`.sav` write them.
"""
