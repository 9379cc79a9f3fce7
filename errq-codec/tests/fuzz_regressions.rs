//! Every input in `tests/fuzz_regressions/<target>/` through the checks of fuzz target
//! `<target>`: the same code (`fuzz/src/lib.rs`, compiled in here), so an input that crashed
//! a fuzzer once stays a test. `fuzz/run.sh` copies new crashes there; the hand-made hostile
//! inputs it started with are named for what they attack.
//!
//! The seed corpora (`fuzz/seeds/<target>/`, real kernel captures) go through the same
//! checks too, except under Miri, where they would take too long.

use std::fs;
use std::path::{Path, PathBuf};

// Compiled as a private module here, so its `pub fn`s are unreachable from outside; they are
// `pub` for the fuzz crate.
#[allow(unreachable_pub)]
#[path = "../../fuzz/src/lib.rs"]
mod checks;

type Check = fn(&[u8]);

const TARGETS: [(&str, Check); 12] = [
    ("cmsgs", checks::cmsgs),
    ("extended_err", checks::extended_err),
    ("message", checks::message),
    ("icmpv4", checks::icmpv4),
    ("icmpv6", checks::icmpv6),
    ("ip_packet", checks::ip_packet),
    ("payload", checks::payload),
    ("rfc4884", checks::rfc4884),
    ("opt_stats", checks::opt_stats),
    ("abi_cmsgs", checks::abi_cmsgs),
    ("abi_message", checks::abi_message),
    ("structured", checks::structured),
];

fn dir(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// Run `check` on every file of `base/<target>/`; returns how many there were.
fn replay(base: &Path, target: &str) -> usize {
    let check = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, f)| *f)
        .expect("a known target");
    let inputs = files(&base.join(target));
    for path in &inputs {
        let data = fs::read(path).expect("readable input");
        // Printed so a failure names its input (the output of a passing test is hidden).
        eprintln!("{target}: {}", path.display());
        check(&data);
    }
    inputs.len()
}

fn regressions(target: &str) {
    replay(&dir("tests/fuzz_regressions"), target);
}

#[test]
fn every_regression_directory_is_a_target() {
    let base = dir("tests/fuzz_regressions");
    let mut total = 0;
    for entry in fs::read_dir(&base).expect("tests/fuzz_regressions exists") {
        let path = entry.expect("readable directory entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(
            path.is_dir() && TARGETS.iter().any(|(t, _)| *t == name),
            "{} is not a fuzz target directory",
            path.display()
        );
        total += files(&path).len();
    }
    assert!(total > 0, "no regression inputs at all");
}

#[test]
fn cmsgs() {
    regressions("cmsgs");
}

#[test]
fn extended_err() {
    regressions("extended_err");
}

#[test]
fn message() {
    regressions("message");
}

#[test]
fn icmpv4() {
    regressions("icmpv4");
}

#[test]
fn icmpv6() {
    regressions("icmpv6");
}

#[test]
fn ip_packet() {
    regressions("ip_packet");
}

#[test]
fn payload() {
    regressions("payload");
}

#[test]
fn rfc4884() {
    regressions("rfc4884");
}

#[test]
fn opt_stats() {
    regressions("opt_stats");
}

#[test]
fn abi_cmsgs() {
    regressions("abi_cmsgs");
}

#[test]
fn abi_message() {
    regressions("abi_message");
}

#[test]
fn structured() {
    regressions("structured");
}

#[test]
#[cfg_attr(miri, ignore = "hundreds of inputs: minutes under Miri")]
fn seeds_pass_the_fuzz_checks() {
    let base = dir("../fuzz/seeds");
    let mut total = 0;
    for (target, _) in TARGETS {
        total += replay(&base, target);
    }
    assert!(total > 0, "no seeds found in {}", base.display());
}
