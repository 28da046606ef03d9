//! Diff of desired × live state → change set. Pure: no I/O.
