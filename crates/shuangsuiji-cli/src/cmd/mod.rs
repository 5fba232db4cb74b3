//! One module per command.

pub(crate) mod announce;
pub(crate) mod calendar;
pub(crate) mod check_code;
pub(crate) mod demo;
pub(crate) mod draw;
pub(crate) mod kpi;
pub(crate) mod log;
pub(crate) mod merge;
pub(crate) mod plan;
pub(crate) mod publish;
pub(crate) mod verify;
