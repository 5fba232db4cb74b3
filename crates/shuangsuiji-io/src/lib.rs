//! The files of shuangsuiji's fronts (the command line first): how they are written so that a
//! crash, a full disk or a second writer never leaves one half-written, and how the tables
//! the platforms export are read.
//!
//! [`durable`] owns file locking, atomic replacement and the recovery of a draw log's torn
//! tail; every writer goes through it. [`indexed`] keeps an index beside a draw log so that
//! an append does not read the whole log again.
//!
//! The formats layer (`docs/FORMATS.md`): [`table`] reads any workbook or text table the
//! platforms ship into rows of cells with their places (`Sheet1!C7`); [`profile`] knows the
//! platforms' column names and values; [`normalise`] finds the header below title rows and
//! turns a sheet into the library's canonical table, which the core's readers take; [`import`]
//! runs the whole path into the core's pools and KPI tables, with the core's errors at the
//! file's cells; [`regno`] checks the old 15-digit registration numbers. [`publish`] writes
//! what “一公开” publishes (the 抽取结果 list, the 检查结果公示 table, Annex 1 and the KPI
//! tables) as xlsx or as CSV with a byte-order mark.

pub mod durable;
pub mod import;
pub mod indexed;
pub mod normalise;
pub mod profile;
pub mod publish;
pub mod regno;
pub mod table;
