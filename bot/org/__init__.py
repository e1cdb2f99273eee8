"""The organisation: its file read and checked, imported into the database, people found and
described, linked to their chat accounts, and leavers."""
