//! Errno numbers of every Linux numbering, with names and `strerror` texts.
//!
//! `sock_extended_err.ee_errno` is a plain number whose meaning depends on the architecture
//! that produced it: most Linux ports use the generic numbering
//! (`include/uapi/asm-generic/errno-base.h` and `errno.h`), but MIPS, Alpha, SPARC and PA-RISC
//! each have their own (`arch/*/include/uapi/asm/errno.h`). `ECONNREFUSED` is 111 on x86_64,
//! 146 on MIPS, 61 on Alpha and SPARC and 239 on PA-RISC. An [`Errno`] therefore carries its
//! [`ErrnoNumbering`] next to the raw number.
//!
//! The tables hold every `E*` name the kernel's UAPI headers define for each numbering.
//! Aliases (`EWOULDBLOCK`, the generic `EDEADLOCK`, PA-RISC's `ECANCELLED` and `EREFUSED`, and
//! glibc's `ENOTSUP` where it equals `EOPNOTSUPP`) are accepted by [`Errno::from_name`] and
//! [`Errno::is`]; [`Errno::name`] returns the primary name.
//!
//! Zero is not an errno: it means "no error" (zerocopy notifications carry `ee_errno` 0).
//!
//! ```
//! use errq_codec::errno::{Errno, ErrnoNumbering};
//!
//! let e = Errno::new(111, ErrnoNumbering::Generic);
//! assert_eq!(e.name(), Some("ECONNREFUSED"));
//! assert_eq!(e.description(), Some("Connection refused"));
//! assert_eq!(Errno::from_name("ECONNREFUSED", ErrnoNumbering::Mips).map(|e| e.raw), Some(146));
//! assert!(Errno::new(11, ErrnoNumbering::Generic).is("EWOULDBLOCK"));
//! ```

use core::fmt;

/// Which architecture's errno numbering a raw errno value is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrnoNumbering {
    /// The generic numbering (`asm-generic/errno.h`): x86, ARM, RISC-V, PowerPC, s390x, ...
    Generic,
    /// MIPS (`arch/mips/include/uapi/asm/errno.h`), all MIPS ABIs.
    Mips,
    /// Alpha (`arch/alpha/include/uapi/asm/errno.h`).
    Alpha,
    /// SPARC, 32- and 64-bit (`arch/sparc/include/uapi/asm/errno.h`, the SunOS numbering).
    Sparc,
    /// PA-RISC (`arch/parisc/include/uapi/asm/errno.h`, the HP-UX numbering).
    Parisc,
}

impl ErrnoNumbering {
    /// The numbering of the architecture this crate is compiled for.
    #[cfg(any(
        target_arch = "mips",
        target_arch = "mips64",
        target_arch = "mips32r6",
        target_arch = "mips64r6"
    ))]
    pub const NATIVE: Self = Self::Mips;
    /// The numbering of the architecture this crate is compiled for.
    #[cfg(any(target_arch = "sparc", target_arch = "sparc64"))]
    pub const NATIVE: Self = Self::Sparc;
    /// The numbering of the architecture this crate is compiled for.
    #[cfg(not(any(
        target_arch = "mips",
        target_arch = "mips64",
        target_arch = "mips32r6",
        target_arch = "mips64r6",
        target_arch = "sparc",
        target_arch = "sparc64"
    )))]
    pub const NATIVE: Self = Self::Generic;

    /// Every numbering, for iteration.
    pub const ALL: [Self; 5] = [
        Self::Generic,
        Self::Mips,
        Self::Alpha,
        Self::Sparc,
        Self::Parisc,
    ];

    /// A short lower-case name: `"generic"`, `"mips"`, `"alpha"`, `"sparc"`, `"parisc"`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::Mips => "mips",
            Self::Alpha => "alpha",
            Self::Sparc => "sparc",
            Self::Parisc => "parisc",
        }
    }
}

/// A raw errno value together with the numbering it is in.
///
/// Equality compares the raw number and the numbering: `ECONNREFUSED` on MIPS is not equal to
/// `ECONNREFUSED` on x86_64. Compare names with [`Errno::is`] instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Errno {
    /// The number as the kernel wrote it (`ee_errno`); 0 means no error.
    pub raw: u32,
    /// The numbering `raw` is in.
    pub numbering: ErrnoNumbering,
}

impl Errno {
    /// An errno from its raw number and numbering. Any number is accepted.
    #[must_use]
    pub const fn new(raw: u32, numbering: ErrnoNumbering) -> Self {
        Self { raw, numbering }
    }

    /// An errno in the [`ErrnoNumbering::NATIVE`] numbering.
    #[must_use]
    pub const fn native(raw: u32) -> Self {
        Self::new(raw, ErrnoNumbering::NATIVE)
    }

    /// The kernel's primary name (`"ECONNREFUSED"`), or `None` for 0 and unknown numbers.
    ///
    /// Where two names share a number the primary one is returned: `EAGAIN`, not
    /// `EWOULDBLOCK`; `EDEADLK`, not `EDEADLOCK` (except on MIPS and SPARC, where `EDEADLOCK`
    /// is a number of its own); `ECANCELED`, not PA-RISC's `ECANCELLED`.
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        match self.code() {
            Some(code) => Some(code.name()),
            None => None,
        }
    }

    /// The glibc `strerror` text (`"Connection refused"`), or `None` for 0 and unknown numbers.
    ///
    /// For the few architecture-only names glibc does not describe (MIPS `EINIT`, SPARC
    /// `EPROCLIM`, PA-RISC `ENOSYM`, ...), the kernel header's comment.
    #[must_use]
    pub const fn description(self) -> Option<&'static str> {
        match self.code() {
            Some(code) => Some(code.description()),
            None => None,
        }
    }

    /// The errno called `name` in `numbering`, or `None` if that numbering has no such name.
    ///
    /// Aliases are accepted: `EWOULDBLOCK` (= `EAGAIN`), `EDEADLOCK` (= `EDEADLK` where the
    /// kernel defines it so), `ENOTSUP` (= `EOPNOTSUPP`, except on PA-RISC where it has its own
    /// number), and on PA-RISC `ECANCELLED` and `EREFUSED`. Names are case-sensitive.
    #[must_use]
    pub fn from_name(name: &str, numbering: ErrnoNumbering) -> Option<Self> {
        let primary = match (name, numbering) {
            ("EWOULDBLOCK", _) => "EAGAIN",
            (
                "EDEADLOCK",
                ErrnoNumbering::Generic | ErrnoNumbering::Alpha | ErrnoNumbering::Parisc,
            ) => "EDEADLK",
            ("ENOTSUP", n) if n != ErrnoNumbering::Parisc => "EOPNOTSUPP",
            ("ECANCELLED", ErrnoNumbering::Parisc) => "ECANCELED",
            ("EREFUSED", ErrnoNumbering::Parisc) => "ECONNREFUSED",
            _ => name,
        };
        let code = Code::ALL.iter().find(|code| code.row().name == primary)?;
        code.raw(numbering).map(|raw| Self::new(raw, numbering))
    }

    /// Whether this errno is the one called `name` (a primary name or an alias) in its own
    /// numbering: `Errno::new(11, ErrnoNumbering::Generic).is("EWOULDBLOCK")` is true.
    #[must_use]
    pub fn is(self, name: &str) -> bool {
        Self::from_name(name, self.numbering).is_some_and(|e| e.raw == self.raw)
    }

    /// Whether this is `code` in its own numbering: a table lookup, no string compare.
    ///
    /// ```
    /// use errq_codec::errno::{Code, Errno, ErrnoNumbering};
    /// assert!(Errno::new(61, ErrnoNumbering::Alpha).is_code(Code::ECONNREFUSED));
    /// assert!(!Errno::new(61, ErrnoNumbering::Generic).is_code(Code::ECONNREFUSED));
    /// ```
    #[inline]
    #[must_use]
    pub const fn is_code(self, code: Code) -> bool {
        match code.raw(self.numbering) {
            Some(raw) => raw == self.raw,
            None => false,
        }
    }

    /// Whether this is 0, "no error".
    #[must_use]
    pub const fn is_none(self) -> bool {
        self.raw == 0
    }

    /// The typed code of this number in its numbering: `None` for 0 and unknown numbers.
    /// Where two names share a number, the primary one (as [`Errno::name`]).
    #[must_use]
    pub const fn code(self) -> Option<Code> {
        if self.raw == 0 {
            return None;
        }
        let mut rest: &[Code] = Code::ALL;
        while let [first, tail @ ..] = rest {
            if let Some(raw) = first.raw(self.numbering) {
                if raw == self.raw {
                    return Some(*first);
                }
            }
            rest = tail;
        }
        None
    }
}

impl fmt::Display for Errno {
    /// The primary name; `0` for no error; `errno N` for a number the table does not know.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None if self.raw == 0 => f.write_str("0"),
            None => write!(f, "errno {}", self.raw),
        }
    }
}

/// Generates [`Code`] (one variant per name, documented with its `strerror` text),
/// [`Code::ALL`] and the table behind [`Code::name`], [`Code::description`] and
/// [`Code::raw`], from one line per name: each name, text and number is written once.
macro_rules! errno_table {
    ($( $name:ident, $description:literal, [$($number:literal),*]; )*) => {
        /// Every errno name the kernel defines a number for, in any numbering: the typed code
        /// to match on. [`Errno::code`] gives it for a raw number in its numbering.
        ///
        /// ```
        /// use errq_codec::errno::{Code, Errno, ErrnoNumbering};
        ///
        /// let e = Errno::new(146, ErrnoNumbering::Mips);
        /// assert_eq!(e.code(), Some(Code::ECONNREFUSED));
        /// assert_eq!(Code::ECONNREFUSED.raw(ErrnoNumbering::Generic), Some(111));
        /// assert_eq!(Code::ECONNREFUSED.description(), "Connection refused");
        /// match e.code() {
        ///     Some(Code::ECONNREFUSED | Code::EHOSTUNREACH) => {} // the peer is gone
        ///     _ => unreachable!(),
        /// }
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        // The variants are the kernel's own all-caps names on purpose: they read like the
        // headers they were transcribed from, and like the C code users know.
        #[allow(clippy::upper_case_acronyms)]
        #[non_exhaustive]
        pub enum Code {
            $( #[doc = $description] $name, )*
        }

        impl Code {
            /// Every code, in table order.
            pub const ALL: &'static [Code] = &[ $( Code::$name, )* ];

            /// The table row: name, text, and the number in each numbering (0 = none).
            #[inline]
            const fn row(self) -> Row {
                match self {
                    $( Self::$name => Row {
                        name: stringify!($name),
                        description: $description,
                        numbers: [$($number),*],
                    }, )*
                }
            }
        }
    };
}

/// One line of the table: name, description, and the number in each numbering (0 = none).
struct Row {
    name: &'static str,
    description: &'static str,
    /// Generic, MIPS, Alpha, SPARC, PA-RISC.
    numbers: [u32; 5],
}

impl Code {
    /// The kernel's name: `"ECONNREFUSED"`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        self.row().name
    }

    /// The glibc `strerror` text (for architecture-only names glibc does not describe, the
    /// kernel header's comment).
    #[must_use]
    pub const fn description(self) -> &'static str {
        self.row().description
    }

    /// The number of this code in `numbering`, or `None` if that numbering lacks the name.
    #[inline]
    #[must_use]
    pub const fn raw(self, numbering: ErrnoNumbering) -> Option<u32> {
        let [generic, mips, alpha, sparc, parisc] = self.row().numbers;
        let raw = match numbering {
            ErrnoNumbering::Generic => generic,
            ErrnoNumbering::Mips => mips,
            ErrnoNumbering::Alpha => alpha,
            ErrnoNumbering::Sparc => sparc,
            ErrnoNumbering::Parisc => parisc,
        };
        if raw == 0 {
            None
        } else {
            Some(raw)
        }
    }

    /// This code as an [`Errno`] of `numbering`, if that numbering has it.
    #[must_use]
    pub const fn errno(self, numbering: ErrnoNumbering) -> Option<Errno> {
        match self.raw(numbering) {
            Some(raw) => Some(Errno::new(raw, numbering)),
            None => None,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// The table. Numbers transcribed from Linux's `asm-generic/errno-base.h`, `errno.h` and
// `arch/{mips,alpha,sparc,parisc}/include/uapi/asm/errno.h`; texts from glibc `strerror`.
// Columns: generic, MIPS, Alpha, SPARC, PA-RISC; 0 where the numbering lacks the name.
#[rustfmt::skip]
errno_table! {
    EPERM, "Operation not permitted", [1, 1, 1, 1, 1];
    ENOENT, "No such file or directory", [2, 2, 2, 2, 2];
    ESRCH, "No such process", [3, 3, 3, 3, 3];
    EINTR, "Interrupted system call", [4, 4, 4, 4, 4];
    EIO, "Input/output error", [5, 5, 5, 5, 5];
    ENXIO, "No such device or address", [6, 6, 6, 6, 6];
    E2BIG, "Argument list too long", [7, 7, 7, 7, 7];
    ENOEXEC, "Exec format error", [8, 8, 8, 8, 8];
    EBADF, "Bad file descriptor", [9, 9, 9, 9, 9];
    ECHILD, "No child processes", [10, 10, 10, 10, 10];
    EAGAIN, "Resource temporarily unavailable", [11, 11, 35, 11, 11];
    ENOMEM, "Cannot allocate memory", [12, 12, 12, 12, 12];
    EACCES, "Permission denied", [13, 13, 13, 13, 13];
    EFAULT, "Bad address", [14, 14, 14, 14, 14];
    ENOTBLK, "Block device required", [15, 15, 15, 15, 15];
    EBUSY, "Device or resource busy", [16, 16, 16, 16, 16];
    EEXIST, "File exists", [17, 17, 17, 17, 17];
    EXDEV, "Invalid cross-device link", [18, 18, 18, 18, 18];
    ENODEV, "No such device", [19, 19, 19, 19, 19];
    ENOTDIR, "Not a directory", [20, 20, 20, 20, 20];
    EISDIR, "Is a directory", [21, 21, 21, 21, 21];
    EINVAL, "Invalid argument", [22, 22, 22, 22, 22];
    ENFILE, "Too many open files in system", [23, 23, 23, 23, 23];
    EMFILE, "Too many open files", [24, 24, 24, 24, 24];
    ENOTTY, "Inappropriate ioctl for device", [25, 25, 25, 25, 25];
    ETXTBSY, "Text file busy", [26, 26, 26, 26, 26];
    EFBIG, "File too large", [27, 27, 27, 27, 27];
    ENOSPC, "No space left on device", [28, 28, 28, 28, 28];
    ESPIPE, "Illegal seek", [29, 29, 29, 29, 29];
    EROFS, "Read-only file system", [30, 30, 30, 30, 30];
    EMLINK, "Too many links", [31, 31, 31, 31, 31];
    EPIPE, "Broken pipe", [32, 32, 32, 32, 32];
    EDOM, "Numerical argument out of domain", [33, 33, 33, 33, 33];
    ERANGE, "Numerical result out of range", [34, 34, 34, 34, 34];
    EDEADLK, "Resource deadlock avoided", [35, 45, 11, 78, 45];
    ENAMETOOLONG, "File name too long", [36, 78, 63, 63, 248];
    ENOLCK, "No locks available", [37, 46, 77, 79, 46];
    ENOSYS, "Function not implemented", [38, 89, 78, 90, 251];
    ENOTEMPTY, "Directory not empty", [39, 93, 66, 66, 247];
    ELOOP, "Too many levels of symbolic links", [40, 90, 62, 62, 249];
    ENOMSG, "No message of desired type", [42, 35, 80, 75, 35];
    EIDRM, "Identifier removed", [43, 36, 81, 77, 36];
    ECHRNG, "Channel number out of range", [44, 37, 88, 94, 37];
    EL2NSYNC, "Level 2 not synchronized", [45, 38, 89, 95, 38];
    EL3HLT, "Level 3 halted", [46, 39, 90, 96, 39];
    EL3RST, "Level 3 reset", [47, 40, 91, 97, 40];
    ELNRNG, "Link number out of range", [48, 41, 93, 98, 41];
    EUNATCH, "Protocol driver not attached", [49, 42, 94, 99, 42];
    ENOCSI, "No CSI structure available", [50, 43, 95, 100, 43];
    EL2HLT, "Level 2 halted", [51, 44, 96, 101, 44];
    EBADE, "Invalid exchange", [52, 50, 97, 102, 160];
    EBADR, "Invalid request descriptor", [53, 51, 98, 103, 161];
    EXFULL, "Exchange full", [54, 52, 99, 104, 162];
    ENOANO, "No anode", [55, 53, 100, 105, 163];
    EBADRQC, "Invalid request code", [56, 54, 101, 106, 164];
    EBADSLT, "Invalid slot", [57, 55, 102, 107, 165];
    EDEADLOCK, "File locking deadlock error", [0, 56, 0, 108, 0];
    EBFONT, "Bad font file format", [59, 59, 104, 109, 166];
    ENOSTR, "Device not a stream", [60, 60, 87, 72, 54];
    ENODATA, "No data available", [61, 61, 86, 111, 51];
    ETIME, "Timer expired", [62, 62, 83, 73, 52];
    ENOSR, "Out of streams resources", [63, 63, 82, 74, 53];
    ENONET, "Machine is not on the network", [64, 64, 105, 80, 50];
    ENOPKG, "Package not installed", [65, 65, 92, 113, 55];
    EREMOTE, "Object is remote", [66, 66, 71, 71, 71];
    ENOLINK, "Link has been severed", [67, 67, 106, 82, 57];
    EADV, "Advertise error", [68, 68, 107, 83, 58];
    ESRMNT, "Srmount error", [69, 69, 108, 84, 59];
    ECOMM, "Communication error on send", [70, 70, 109, 85, 60];
    EPROTO, "Protocol error", [71, 71, 85, 86, 61];
    EMULTIHOP, "Multihop attempted", [72, 74, 110, 87, 64];
    EDOTDOT, "RFS specific error", [73, 73, 111, 88, 66];
    EBADMSG, "Bad message", [74, 77, 84, 76, 67];
    EOVERFLOW, "Value too large for defined data type", [75, 79, 112, 92, 72];
    ENOTUNIQ, "Name not unique on network", [76, 80, 113, 115, 167];
    EBADFD, "File descriptor in bad state", [77, 81, 114, 93, 168];
    EREMCHG, "Remote address changed", [78, 82, 115, 89, 169];
    ELIBACC, "Can not access a needed shared library", [79, 83, 122, 114, 170];
    ELIBBAD, "Accessing a corrupted shared library", [80, 84, 123, 112, 171];
    ELIBSCN, ".lib section in a.out corrupted", [81, 85, 124, 124, 172];
    ELIBMAX, "Attempting to link in too many shared libraries", [82, 86, 125, 123, 173];
    ELIBEXEC, "Cannot exec a shared library directly", [83, 87, 126, 110, 174];
    EILSEQ, "Invalid or incomplete multibyte or wide character", [84, 88, 116, 122, 47];
    ERESTART, "Interrupted system call should be restarted", [85, 91, 127, 116, 175];
    ESTRPIPE, "Streams pipe error", [86, 92, 128, 91, 176];
    EUSERS, "Too many users", [87, 94, 68, 68, 68];
    ENOTSOCK, "Socket operation on non-socket", [88, 95, 38, 38, 216];
    EDESTADDRREQ, "Destination address required", [89, 96, 39, 39, 217];
    EMSGSIZE, "Message too long", [90, 97, 40, 40, 218];
    EPROTOTYPE, "Protocol wrong type for socket", [91, 98, 41, 41, 219];
    ENOPROTOOPT, "Protocol not available", [92, 99, 42, 42, 220];
    EPROTONOSUPPORT, "Protocol not supported", [93, 120, 43, 43, 221];
    ESOCKTNOSUPPORT, "Socket type not supported", [94, 121, 44, 44, 222];
    EOPNOTSUPP, "Operation not supported", [95, 122, 45, 45, 223];
    EPFNOSUPPORT, "Protocol family not supported", [96, 123, 46, 46, 224];
    EAFNOSUPPORT, "Address family not supported by protocol", [97, 124, 47, 47, 225];
    EADDRINUSE, "Address already in use", [98, 125, 48, 48, 226];
    EADDRNOTAVAIL, "Cannot assign requested address", [99, 126, 49, 49, 227];
    ENETDOWN, "Network is down", [100, 127, 50, 50, 228];
    ENETUNREACH, "Network is unreachable", [101, 128, 51, 51, 229];
    ENETRESET, "Network dropped connection on reset", [102, 129, 52, 52, 230];
    ECONNABORTED, "Software caused connection abort", [103, 130, 53, 53, 231];
    ECONNRESET, "Connection reset by peer", [104, 131, 54, 54, 232];
    ENOBUFS, "No buffer space available", [105, 132, 55, 55, 233];
    EISCONN, "Transport endpoint is already connected", [106, 133, 56, 56, 234];
    ENOTCONN, "Transport endpoint is not connected", [107, 134, 57, 57, 235];
    ESHUTDOWN, "Cannot send after transport endpoint shutdown", [108, 143, 58, 58, 236];
    ETOOMANYREFS, "Too many references: cannot splice", [109, 144, 59, 59, 237];
    ETIMEDOUT, "Connection timed out", [110, 145, 60, 60, 238];
    ECONNREFUSED, "Connection refused", [111, 146, 61, 61, 239];
    EHOSTDOWN, "Host is down", [112, 147, 64, 64, 241];
    EHOSTUNREACH, "No route to host", [113, 148, 65, 65, 242];
    EALREADY, "Operation already in progress", [114, 149, 37, 37, 244];
    EINPROGRESS, "Operation now in progress", [115, 150, 36, 36, 245];
    ESTALE, "Stale file handle", [116, 151, 70, 70, 70];
    EUCLEAN, "Structure needs cleaning", [117, 135, 117, 117, 177];
    ENOTNAM, "Not a XENIX named type file", [118, 137, 118, 118, 178];
    ENAVAIL, "No XENIX semaphores available", [119, 138, 119, 119, 179];
    EISNAM, "Is a named type file", [120, 139, 120, 120, 180];
    EREMOTEIO, "Remote I/O error", [121, 140, 121, 121, 181];
    EDQUOT, "Disk quota exceeded", [122, 1133, 69, 69, 69];
    ENOMEDIUM, "No medium found", [123, 159, 129, 125, 182];
    EMEDIUMTYPE, "Wrong medium type", [124, 160, 130, 126, 183];
    ECANCELED, "Operation canceled", [125, 158, 131, 127, 253];
    ENOKEY, "Required key not available", [126, 161, 132, 128, 184];
    EKEYEXPIRED, "Key has expired", [127, 162, 133, 129, 185];
    EKEYREVOKED, "Key has been revoked", [128, 163, 134, 130, 186];
    EKEYREJECTED, "Key was rejected by service", [129, 164, 135, 131, 187];
    EOWNERDEAD, "Owner died", [130, 165, 136, 132, 254];
    ENOTRECOVERABLE, "State not recoverable", [131, 166, 137, 133, 255];
    ERFKILL, "Operation not possible due to RF-kill", [132, 167, 138, 134, 256];
    EHWPOISON, "Memory page has hardware error", [133, 168, 139, 135, 257];
    EINIT, "Reserved (MIPS)", [0, 141, 0, 0, 0];
    EREMDEV, "Error 142 (MIPS)", [0, 142, 0, 0, 0];
    EPROCLIM, "Too many processes", [0, 0, 0, 67, 0];
    ERREMOTE, "Too many levels of remote in path", [0, 0, 0, 81, 0];
    ENOSYM, "Symbol does not exist in executable", [0, 0, 0, 0, 215];
    EREMOTERELEASE, "Remote peer released connection", [0, 0, 0, 0, 240];
    ENOTSUP, "Not supported", [0, 0, 0, 0, 252];
}

#[cfg(test)]
mod tests;
