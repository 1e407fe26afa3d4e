//! Log forensics (being written).
