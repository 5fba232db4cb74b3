//! shuangsuiji: the pure domain of “双随机、一公开” supervision.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod audit;
pub mod catalog;
pub mod credit;
pub mod demo;
pub mod digest;
pub mod draw;
pub mod ids;
pub mod inspector;
pub mod keys;
pub mod policy;
pub mod pool;
pub mod record;
pub mod risk;
pub mod scope;
pub mod seed;
pub mod target;
