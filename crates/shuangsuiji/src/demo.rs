//! The built-in demo county (being written).
