"""The organisation: importing it from CSV, finding and describing people, linking them to
their chat accounts, and leavers."""
