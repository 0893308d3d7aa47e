//! Exports of the directory for other systems: HSDS 3.0 / Open Referral UK JSON.

pub mod hsds;
