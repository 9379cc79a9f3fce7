#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| errq_fuzz::icmpv6(data));
