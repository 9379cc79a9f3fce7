#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| errq_fuzz::opt_stats(data));
