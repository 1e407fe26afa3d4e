#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    coroner_fuzz::guard_disk();
    coroner_fuzz::entry::pipeline(data)
});
