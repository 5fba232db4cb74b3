//! shuangsuiji: the pure domain of “双随机、一公开” supervision.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod catalog;
pub mod credit;
pub mod ids;
