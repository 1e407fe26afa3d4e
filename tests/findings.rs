//! Findings snapshots (being written).
