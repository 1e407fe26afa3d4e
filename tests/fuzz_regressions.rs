//! Replays inputs the fuzz targets (fuzz/) once crashed on: each must now
//! go through the same entry points without a panic.
