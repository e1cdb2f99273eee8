"""The dialogue between employee and manager all year: the manager's digest, logged
conversations and topics, drift signals, coaching tips, the home view, and the review brief
in chat and as a document."""
