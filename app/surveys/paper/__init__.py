"""Paper entry: staff type in returned questionnaires, batch by batch, with the
online validation and invitation codes checked as online."""
