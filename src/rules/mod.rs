//! Compliance rules: one file per rule family; each rule has a stable ID, a severity, the best
//! practice it enforces, and a check. Pure: no I/O.
