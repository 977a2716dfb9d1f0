"""Privacy (DSGVO) self-service and housekeeping.

- ``consent``: the versioned consent text every contribution and response is given under;
- ``takeout``: "Meine Daten", everything about a person as JSON files in a ZIP;
- ``erasure``: "Konto löschen", the account (or a guest's address) and, if asked, the
  contributions;
- ``guest_access``: the signed link that lets a guest reach both;
- ``retention``: deleting what is no longer needed a set number of days after the end.
"""
