#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| errq_fuzz::abi_cmsgs(data));
