//! The testdata/hostile/ set: each hostile or broken input is built at test
//! time and checked for exit code, message, nothing written outside, input
//! unchanged, no panic.
