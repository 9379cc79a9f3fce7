//! The socket-level numbers (`SOL_SOCKET`, `SO_TIMESTAMP*`, ...) of each architecture.

/// The `SOL_SOCKET` level and the socket-level control message numbers of an architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SocketNumbers {
    /// `SOL_SOCKET`: 1 on generic ABIs, `0xffff` on alpha, mips, sparc, parisc.
    #[doc(alias = "SOL_SOCKET")]
    pub sol_socket: i32,
    /// `SO_TIMESTAMP_OLD` (`SCM_TIMESTAMP` with the task's `timeval`).
    #[doc(alias = "SO_TIMESTAMP_OLD")]
    pub timestamp_old: i32,
    /// `SO_TIMESTAMPNS_OLD` (`SCM_TIMESTAMPNS` with the task's `timespec`).
    #[doc(alias = "SO_TIMESTAMPNS_OLD")]
    pub timestampns_old: i32,
    /// `SO_TIMESTAMPING_OLD` (`struct scm_timestamping`).
    #[doc(alias = "SO_TIMESTAMPING_OLD")]
    pub timestamping_old: i32,
    /// `SO_TIMESTAMP_NEW` (`struct __kernel_sock_timeval`, 64-bit fields).
    #[doc(alias = "SO_TIMESTAMP_NEW")]
    pub timestamp_new: i32,
    /// `SO_TIMESTAMPNS_NEW` (`struct __kernel_timespec`).
    #[doc(alias = "SO_TIMESTAMPNS_NEW")]
    pub timestampns_new: i32,
    /// `SO_TIMESTAMPING_NEW` (`struct scm_timestamping64`).
    #[doc(alias = "SO_TIMESTAMPING_NEW")]
    pub timestamping_new: i32,
    /// `SCM_TIMESTAMPING_OPT_STATS` (netlink attributes).
    #[doc(alias = "SCM_TIMESTAMPING_OPT_STATS")]
    pub timestamping_opt_stats: i32,
    /// `SCM_TIMESTAMPING_PKTINFO` (`struct scm_ts_pktinfo`).
    #[doc(alias = "SCM_TIMESTAMPING_PKTINFO")]
    pub timestamping_pktinfo: i32,
    /// `SO_TXTIME` / `SCM_TXTIME` (the send-side transmit time, a `u64` of nanoseconds).
    #[doc(alias = "SO_TXTIME")]
    #[doc(alias = "SCM_TXTIME")]
    pub txtime: i32,
    /// `SCM_TS_OPT_ID` (Linux 6.13: the OPT_ID key of one send, a `u32`).
    #[doc(alias = "SCM_TS_OPT_ID")]
    pub ts_opt_id: i32,
}

impl SocketNumbers {
    /// The generic numbering (`include/uapi/asm-generic/socket.h`): x86, arm, aarch64, riscv,
    /// powerpc, s390, loongarch, ...
    pub const GENERIC: Self = Self {
        sol_socket: 1,
        timestamp_old: 29,
        timestampns_old: 35,
        timestamping_old: 37,
        timestamp_new: 63,
        timestampns_new: 64,
        timestamping_new: 65,
        timestamping_opt_stats: 54,
        timestamping_pktinfo: 58,
        txtime: 61,
        ts_opt_id: 81,
    };
    /// MIPS and Alpha: `SOL_SOCKET` is `0xffff`, the timestamp numbers are the generic ones.
    pub const MIPS_ALPHA: Self = Self {
        sol_socket: 0xffff,
        ..Self::GENERIC
    };
    /// SPARC (`arch/sparc/include/uapi/asm/socket.h`).
    pub const SPARC: Self = Self {
        sol_socket: 0xffff,
        timestamp_old: 0x1d,
        timestampns_old: 0x21,
        timestamping_old: 0x23,
        timestamp_new: 0x46,
        timestampns_new: 0x42,
        timestamping_new: 0x43,
        timestamping_opt_stats: 0x38,
        timestamping_pktinfo: 0x3c,
        txtime: 0x3f,
        ts_opt_id: 0x5a,
    };
    /// PA-RISC (`arch/parisc/include/uapi/asm/socket.h`).
    pub const PARISC: Self = Self {
        sol_socket: 0xffff,
        timestamp_old: 0x4012,
        timestampns_old: 0x4013,
        timestamping_old: 0x4020,
        timestamp_new: 0x4038,
        timestampns_new: 0x4039,
        timestamping_new: 0x403a,
        timestamping_opt_stats: 0x402f,
        timestamping_pktinfo: 0x4033,
        txtime: 0x4036,
        ts_opt_id: 0x404c,
    };
}
