"""The law in code: roles and who may see what, the audit log, the registry of what every
table holds and its report, a person's export and erasure, retention and the data keys."""
