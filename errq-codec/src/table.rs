//! One table per kernel number space: `table!` turns a list of rows (constant, number, short
//! name, kernel C name, doc comment) into an open newtype's named constants and everything
//! derived from them, so that each number is written once.
//!
//! Two forms. A *value table* fills an open newtype `struct T(pub uN)`:
//!
//! ```text
//! table! {
//!     /// Doc comment of the generated `name()`.
//!     Icmpv4Type::name, unknown "type {}", Debug;
//!     /// Echo reply (type 0, RFC 792).
//!     ECHO_REPLY = 0, "echo reply", alias "ICMP_ECHOREPLY";
//!     /// Alternate host address (type 6, deprecated).
//!     ALTERNATE_HOST_ADDRESS = 6, "alternate host address";
//!     /// Experimentation and testing (253).
//!     EXPERIMENT_1 = 253, _;
//!     _ 20..=29 => "reserved for robustness experiment";
//! }
//! ```
//!
//! Each row is a constant (its doc comment, then `NAME = number`), the short name `name()`
//! returns (`_`: none) and, when the kernel has one, its C name as `#[doc(alias)]`. Rows
//! after them starting with `_` name values that have no constant. Generated: the constants,
//! `ALL` (every constant, in table order), `const fn name()`, `Display` (the short name, or
//! the `unknown` format with the number) and, when the header ends in `Debug`, `Debug`
//! (`T::NAME(n)` for a value with a constant, first one in the table, and `T(n)` otherwise).
//! Two rows may not share a number (the generated matches deny `unreachable_patterns`): an
//! alias such as `Origin::TXSTATUS` is written by hand next to the table.
//!
//! A *code table* names the codes of a type, per type:
//!
//! ```text
//! table! {
//!     /// Doc comment of the generated `code_name()`.
//!     Icmpv4Type::code_name(Icmpv4Code) as u8, display "code {}";
//!     3 => {
//!         /// Destination unreachable: net unreachable (0).
//!         NET_UNREACH = 0, "net unreachable", alias "ICMP_NET_UNREACH";
//!     }
//!     155 => {
//!         _ 0x00 => "DODAG information solicitation";
//!     }
//! }
//! ```
//!
//! Each section is a pattern of type numbers and its codes, rows as above (the short name is
//! required). Generated: the code constants on the code type,
//! `const fn code_name(self, code) -> Option<&'static str>` on the type, the code's `Display`
//! (the bare number in the `display` format: a code means nothing without its type), and
//! `From` between each of the two types and its integer (`as u8`).

/// See the module documentation.
macro_rules! table {
    // A value table with `Debug`.
    (
        $(#[$nd:meta])* $ty:ident::name, unknown $fmt:literal, Debug;
        $($rows:tt)*
    ) => {
        table!(@values $(#[$nd])* $ty, $fmt; $($rows)*);
        table!(@debug $ty; $($rows)*);
    };
    // A value table whose type keeps its derived `Debug`.
    (
        $(#[$nd:meta])* $ty:ident::name, unknown $fmt:literal;
        $($rows:tt)*
    ) => {
        table!(@values $(#[$nd])* $ty, $fmt; $($rows)*);
    };
    // A code table.
    (
        $(#[$nd:meta])* $ty:ident::code_name($code:ident) as $int:ty, display $fmt:literal;
        $( $tp:pat => {
            $( $(#[$m:meta])* $name:ident = $v:literal, $short:literal
                $(, alias $alias:literal)?; )*
            $( _ $p:pat => $ps:literal; )*
        } )*
    ) => {
        impl $code {
            $( $(
                $(#[$m])* $(#[doc(alias = $alias)])? pub const $name: Self = Self($v);
            )* )*
        }

        impl $ty {
            $(#[$nd])*
            #[must_use]
            #[deny(unreachable_patterns)] // a (type, code) pair named twice
            pub const fn code_name(self, code: $code) -> Option<&'static str> {
                match (self.0, code.0) {
                    $(
                        $( ($tp, $v) => Some($short), )*
                        $( ($tp, $p) => Some($ps), )*
                    )*
                    _ => None,
                }
            }
        }

        impl core::fmt::Display for $code {
            #[doc = concat!(
                "The bare code number: a code is named only together with its type, see [`",
                stringify!($ty), "::code_name`]."
            )]
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, $fmt, self.0)
            }
        }

        table!(@from $ty $int);
        table!(@from $code $int);
    };

    (@from $ty:ident $int:ty) => {
        impl From<$int> for $ty {
            fn from(value: $int) -> Self {
                Self(value)
            }
        }

        impl From<$ty> for $int {
            fn from(value: $ty) -> Self {
                value.0
            }
        }
    };

    (@values
        $(#[$nd:meta])* $ty:ident, $fmt:literal;
        $( $(#[$m:meta])* $name:ident = $v:literal, $short:tt $(, alias $alias:literal)?; )*
        $( _ $p:pat => $ps:literal; )*
    ) => {
        impl $ty {
            $( $(#[$m])* $(#[doc(alias = $alias)])? pub const $name: Self = Self($v); )*

            /// Every value with a constant, in table order.
            pub const ALL: &'static [Self] = &[$(Self::$name),*];

            $(#[$nd])*
            #[must_use]
            #[deny(unreachable_patterns)] // a number named twice
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $v => table!(@name $short), )*
                    $( $p => Some($ps), )*
                    _ => None,
                }
            }
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, $fmt, self.0),
                }
            }
        }
    };

    (@debug
        $ty:ident;
        $( $(#[$m:meta])* $name:ident = $v:literal, $short:tt $(, alias $alias:literal)?; )*
        $( _ $p:pat => $ps:literal; )*
    ) => {
        impl core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                let name = match self.0 {
                    $( $v => stringify!($name), )*
                    _ => return write!(f, concat!(stringify!($ty), "({})"), self.0),
                };
                write!(f, concat!(stringify!($ty), "::{}({})"), name, self.0)
            }
        }
    };

    (@name _) => { None };
    (@name $short:literal) => { Some($short) };
}

pub(crate) use table;
