//! One test binary (ripgrep's layout): feature modules below, shared
//! helpers in `util`, and the fake API server that lets real kubectl write
//! the fixtures in `support/`.

#[path = "support/fakeapi.rs"]
mod fakeapi;
#[path = "support/scenario.rs"]
mod scenario;

mod util;

mod archives;
mod cli;
mod handmade;
mod kubectl;
mod realdata;

mod browser;

mod findings;
mod fuzz_regressions;
mod hostile;
mod hostile_set;
mod props;
mod redaction;
mod render;
mod schema;
