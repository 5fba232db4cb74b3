//! The files of shuangsuiji's fronts (the command line first): how they are written so that a
//! crash, a full disk or a second writer never leaves one half-written.
//!
//! [`durable`] owns file locking, atomic replacement and the recovery of a draw log's torn
//! tail; every writer goes through it. [`indexed`] keeps an index beside a draw log so that
//! an append does not read the whole log again.

pub mod durable;
pub mod indexed;
