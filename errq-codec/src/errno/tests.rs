//! Unit tests of the errno tables.

use super::*;
use std::string::ToString;

const ALL_NUMBERINGS: [ErrnoNumbering; 5] = ErrnoNumbering::ALL;

fn raw(name: &str, n: ErrnoNumbering) -> u32 {
    Errno::from_name(name, n).unwrap().raw
}

#[test]
fn kernel_md_spot_checks() {
    use ErrnoNumbering::*;
    for (name, numbers) in [
        ("ECONNREFUSED", [111, 146, 61, 61, 239]),
        ("EMSGSIZE", [90, 97, 40, 40, 218]),
        ("EHOSTUNREACH", [113, 148, 65, 65, 242]),
        ("ENETUNREACH", [101, 128, 51, 51, 229]),
        ("EPROTO", [71, 71, 85, 86, 61]),
        ("ENOMSG", [42, 35, 80, 75, 35]),
        ("EAGAIN", [11, 11, 35, 11, 11]),
        ("EDQUOT", [122, 1133, 69, 69, 69]),
        ("EHWPOISON", [133, 168, 139, 135, 257]),
    ] {
        for (n, want) in [Generic, Mips, Alpha, Sparc, Parisc]
            .into_iter()
            .zip(numbers)
        {
            assert_eq!(raw(name, n), want, "{name} {n:?}");
            assert_eq!(Errno::new(want, n).name(), Some(name), "{name} {n:?}");
        }
    }
    assert_eq!(Errno::new(11, Alpha).name(), Some("EDEADLK"));
}

#[test]
fn every_entry_round_trips_and_numbers_are_unique() {
    for n in ALL_NUMBERINGS {
        let mut count = 0;
        // Every code; under Miri (about 1000 times slower) every seventh.
        for code in Code::ALL.iter().step_by(if cfg!(miri) { 7 } else { 1 }) {
            let Some(raw) = code.raw(n) else { continue };
            count += 1;
            let e = Errno::new(raw, n);
            assert_eq!(e.name(), Some(code.row().name), "{n:?} {raw}");
            assert!(e.is(code.row().name));
            assert_eq!(Errno::from_name(code.row().name, n), Some(e));
            assert!(e.description().is_some_and(|d| !d.is_empty()));
        }
        // 131 generic names + aliases; each arch numbering adds its own.
        assert!(cfg!(miri) || count >= 131, "{n:?} has only {count}");
    }
}

#[test]
fn aliases() {
    use ErrnoNumbering::*;
    for n in ALL_NUMBERINGS {
        assert_eq!(raw("EWOULDBLOCK", n), raw("EAGAIN", n));
        assert!(Errno::from_name("EAGAIN", n).unwrap().is("EWOULDBLOCK"));
    }
    assert_eq!(raw("EDEADLOCK", Generic), 35);
    assert_eq!(raw("EDEADLOCK", Alpha), 11);
    assert_eq!(raw("EDEADLOCK", Parisc), 45);
    assert_eq!(raw("EDEADLOCK", Mips), 56);
    assert_eq!(raw("EDEADLOCK", Sparc), 108);
    assert_eq!(Errno::new(56, Mips).name(), Some("EDEADLOCK"));
    assert_eq!(Errno::new(35, Generic).name(), Some("EDEADLK"));
    assert_eq!(raw("ENOTSUP", Generic), 95);
    assert_eq!(raw("ENOTSUP", Parisc), 252);
    assert_eq!(raw("ECANCELLED", Parisc), 253);
    assert_eq!(Errno::new(253, Parisc).name(), Some("ECANCELED"));
    assert!(Errno::new(239, Parisc).is("EREFUSED"));
    assert_eq!(Errno::from_name("ECANCELLED", Generic), None);
    assert_eq!(Errno::from_name("EPROCLIM", Generic), None);
    assert_eq!(raw("EPROCLIM", Sparc), 67);
    assert_eq!(Errno::from_name("econnrefused", Generic), None);
    assert_eq!(Errno::from_name("", Generic), None);
}

#[test]
fn zero_and_unknown() {
    let zero = Errno::new(0, ErrnoNumbering::Generic);
    assert_eq!(zero.name(), None);
    assert_eq!(zero.description(), None);
    assert!(zero.is_none());
    assert_eq!(zero.to_string(), "0");
    assert!(!zero.is("EPERM"));
    let unknown = Errno::new(9999, ErrnoNumbering::Generic);
    assert_eq!(unknown.name(), None);
    assert_eq!(unknown.to_string(), "errno 9999");
    assert_eq!(Errno::new(41, ErrnoNumbering::Generic).name(), None);
    assert_eq!(Errno::new(58, ErrnoNumbering::Generic).name(), None);
    assert_eq!(Errno::new(u32::MAX, ErrnoNumbering::Mips).name(), None);
    assert_eq!(
        Errno::new(111, ErrnoNumbering::Generic).to_string(),
        "ECONNREFUSED"
    );
}

#[test]
fn network_descriptions_are_glibc_text() {
    let d = |name| {
        Errno::from_name(name, ErrnoNumbering::Generic)
            .unwrap()
            .description()
    };
    assert_eq!(d("ECONNREFUSED"), Some("Connection refused"));
    assert_eq!(d("EHOSTUNREACH"), Some("No route to host"));
    assert_eq!(d("ENETUNREACH"), Some("Network is unreachable"));
    assert_eq!(d("EMSGSIZE"), Some("Message too long"));
    assert_eq!(d("EPROTO"), Some("Protocol error"));
    assert_eq!(d("EOPNOTSUPP"), Some("Operation not supported"));
    assert_eq!(d("ENOMSG"), Some("No message of desired type"));
}

#[test]
fn name_is_const() {
    const NAME: Option<&str> = Errno::new(113, ErrnoNumbering::Generic).name();
    assert_eq!(NAME, Some("EHOSTUNREACH"));
}
